"""deploy/nginx.conf: accepted by `nginx -t` (when nginx is installed), uploads as large as the
member import allows, /media/ never served, /readyz only for this machine and the load balancer,
the access log without query strings."""

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

EXAMPLE = Path(__file__).resolve().parents[3] / "deploy" / "nginx.conf"


def test_the_body_limit_matches_the_import_limit_and_media_is_never_served():
    text = EXAMPLE.read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", text).group(1))
    assert megabytes * 1024 * 1024 == settings.IMPORT_MAX_UPLOAD_BYTES
    assert re.search(r"location \^~ /media/ \{ return 404; \}", text)
    assert '"path":"$uri"' in text and "$request_uri\"" not in text.split("log_format")[1].split(";")[0]
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text


def test_readyz_answers_only_this_machine_and_the_load_balancer_on_both_ports():
    text = EXAMPLE.read_text()
    blocks = re.findall(r"location = /readyz \{(.*?)\n    \}", text, flags=re.DOTALL)
    assert len(blocks) == 2  # port 80 (plain HTTP probes) and 443
    for block in blocks:
        rules = re.findall(r"^\s*(allow|deny) ([^;]+);", block, flags=re.MULTILINE)
        assert rules[0] == ("allow", "127.0.0.1") and rules[-1] == ("deny", "all")
        assert "proxy_pass http://gonghui_app;" in block


def self_signed_certificate(folder: Path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "union.example.org")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    (folder / "fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                           serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption()))


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                    reason="nginx is not installed (apt-get install nginx)")
def test_nginx_accepts_the_example(tmp_path):
    self_signed_certificate(tmp_path)
    site = (EXAMPLE.read_text().replace("/etc/ssl/gonghui/", f"{tmp_path}/")
            .replace("/var/log/nginx/", f"{tmp_path}/"))
    (tmp_path / "gonghui.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log {tmp_path}/access.log;\n  include {tmp_path}/gonghui.conf;\n}}\n")
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run([binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
