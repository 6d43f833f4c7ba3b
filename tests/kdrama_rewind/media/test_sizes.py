from unittest import mock

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import TestCase

from kdrama_rewind.media.sizes import remember_size, stored_sizes
from tests.factories import image_upload, make_review


class StoredSizeTests(TestCase):
    def asking(self):
        """Count what the storage is asked (``size`` is a request on a bucket)."""
        return mock.patch.object(default_storage, "size", wraps=default_storage.size)

    def test_a_size_is_asked_of_the_storage_once_then_remembered(self):
        name = default_storage.save("sizes/one.txt", ContentFile(b"12345"))
        with self.asking() as size:
            self.assertEqual(stored_sizes(default_storage, [name]), {name: 5})
            self.assertEqual(stored_sizes(default_storage, [name]), {name: 5})
        self.assertEqual(size.call_count, 1)

    def test_making_renditions_records_their_sizes(self):
        review = make_review(hero_image=image_upload(size=(900, 500)), hero_alt="Alt")
        names = [rendition.name for rendition in review.hero_image.renditions]
        with self.asking() as size:
            sizes = stored_sizes(default_storage, names)
        self.assertEqual(size.call_count, 0)
        self.assertEqual(sizes, {name: default_storage.size(name) for name in names})

        remember_size(names[-1], 1)  # as remembered of bytes an older encoder wrote
        review.hero_image.make_renditions()
        self.assertEqual(stored_sizes(default_storage, names), sizes)

    def test_a_file_the_storage_cannot_tell_about_is_0_and_asked_again(self):
        name = "sizes/not-there.webp"
        with self.asking() as size:
            self.assertEqual(stored_sizes(default_storage, [name]), {name: 0})
            self.assertEqual(stored_sizes(default_storage, [name]), {name: 0})
        self.assertEqual(size.call_count, 2)
        default_storage.save(name, ContentFile(b"now it is"))
        self.assertEqual(stored_sizes(default_storage, [name]), {name: 9})
