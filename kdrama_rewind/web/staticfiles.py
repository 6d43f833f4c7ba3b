"""The storage of static files in production: WhiteNoise's compressed,
fingerprinted files, each file's address worked out once per process."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Every page names the same few files (the stylesheet, the icons): their
    fingerprinted addresses come from the manifest, which does not change
    while the process runs, so each is looked up once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._addresses: dict[tuple, str] = {}

    def url(self, name, force=False):
        key = (name, force, settings.DEBUG)  # DEBUG serves the unhashed name
        address = self._addresses.get(key)
        if address is None:
            address = self._addresses[key] = super().url(name, force)
        return address

    def post_process(self, *args, **kwargs):
        self._addresses.clear()  # collectstatic is making a new manifest
        yield from super().post_process(*args, **kwargs)
