import json

from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from kdrama_rewind.media.s3 import MediaStorage, public_read_policy


class Command(BaseCommand):
    help = (
        "Print the bucket policy media on S3 needs (MEDIA_STORAGE=s3): anyone may read an "
        "object by its name; nothing else is granted, so nobody may list the bucket. Apply it "
        'with, e.g., aws s3api put-bucket-policy --bucket BUCKET --policy "$(manage.py '
        'media_bucket_policy)".'
    )

    def handle(self, *args, **options):
        storage = storages["default"]
        if not isinstance(storage, MediaStorage):
            raise CommandError("Media is not on S3: set MEDIA_STORAGE=s3 (see the README).")
        self.stdout.write(json.dumps(public_read_policy(storage.bucket_name), indent=2))
