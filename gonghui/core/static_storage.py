"""Static files storage of production: whitenoise's compressed manifest storage (hashed names,
gzip and brotli copies, served with far-future cache headers), minus the rewriting of
`sourceMappingURL` comments: the vendored minified Bootstrap files point at source maps that are
not shipped, and Django's manifest storage refuses to collect a file that references a missing
one. Browsers only fetch a map when the developer tools are open (a 404 then, harmless)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    def keep(pattern):
        text = pattern if isinstance(pattern, str) else pattern[0]
        return "sourceMappingURL" not in text

    return tuple((extension, tuple(p for p in rules if keep(p))) for extension, rules in patterns)


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
