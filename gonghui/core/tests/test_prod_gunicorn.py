"""deploy/gunicorn.conf.py: sizes from the environment, preload with gc.freeze() before each fork,
worker recycling with jitter, JSON access log through the project's formatter."""

import runpy
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[3] / "deploy" / "gunicorn.conf.py"


def test_sizes_come_from_the_environment(monkeypatch):
    for name, value in {"GUNICORN_WORKERS": "3", "GUNICORN_THREADS": "4", "GUNICORN_MAX_REQUESTS": "500",
                        "GUNICORN_MAX_REQUESTS_JITTER": "50", "GUNICORN_BIND": "127.0.0.1:9001"}.items():
        monkeypatch.setenv(name, value)
    config = runpy.run_path(str(CONFIG))
    assert (config["workers"], config["threads"], config["bind"]) == (3, 4, "127.0.0.1:9001")
    assert (config["max_requests"], config["max_requests_jitter"]) == (500, 50)
    assert config["preload_app"] is True and config["graceful_timeout"] > 0


def test_objects_loaded_before_the_fork_are_frozen(monkeypatch):
    config = runpy.run_path(str(CONFIG))
    frozen = []
    monkeypatch.setitem(config["pre_fork"].__globals__, "gc", type("GC", (), {"freeze": lambda: frozen.append(1)}))
    config["pre_fork"](server=None, worker=None)
    assert frozen == [1]


def test_the_access_log_is_json_without_the_query_string():
    config = runpy.run_path(str(CONFIG))
    formatters = config["logconfig_dict"]["formatters"]
    assert formatters["access_json"]["()"] == "gonghui.core.logging.AccessJsonFormatter"
    assert config["logconfig_dict"]["loggers"]["gunicorn.access"]["handlers"] == ["access_console"]
    assert "%(q)s" not in config["access_log_format"] and "%(r)s" not in config["access_log_format"]
