"""The site's icons: /favicon.ico, the links in every page, the manifest."""

import io
import json

from django.contrib.staticfiles import finders
from django.test import TestCase
from PIL import Image


class IconTests(TestCase):
    def test_favicon_ico_is_an_icon_of_the_usual_sizes(self):
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/x-icon")
        self.assertIn("max-age=", response["Cache-Control"])
        icon = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        self.assertEqual(icon.format, "ICO")
        self.assertTrue({(16, 16), (32, 32), (48, 48)} <= set(icon.ico.sizes()))

    def test_every_page_links_its_icons_and_manifest(self):
        response = self.client.get("/newsletter/")
        self.assertContains(
            response, '<link rel="icon" href="/favicon.ico" sizes="16x16 32x32 48x48">'
        )
        self.assertContains(response, 'rel="icon" href="/static/favicon.svg" type="image/svg+xml"')
        self.assertContains(
            response, '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">'
        )
        self.assertContains(response, '<link rel="manifest" href="/site.webmanifest">')

    def test_the_manifest_names_the_site_and_icons_that_exist(self):
        response = self.client.get("/site.webmanifest")
        self.assertEqual(response["Content-Type"], "application/manifest+json; charset=utf-8")
        manifest = json.loads(response.content)
        self.assertEqual(manifest["name"], "K-Drama Rewind")
        self.assertEqual(manifest["start_url"], "/")
        sizes = set()
        for icon in manifest["icons"]:
            path = finders.find(icon["src"].removeprefix("/static/"))
            self.assertIsNotNone(path, icon["src"])
            if icon["type"] == "image/png":
                width, height = Image.open(path).size
                self.assertEqual(icon["sizes"], f"{width}x{height}")
                sizes.add(width)
        self.assertTrue({192, 512} <= sizes)
        self.assertIn("maskable", [icon.get("purpose") for icon in manifest["icons"]])

    def test_the_apple_touch_icon_is_opaque_and_180_pixels(self):
        image = Image.open(finders.find("icons/apple-touch-icon.png"))
        self.assertEqual(image.size, (180, 180))
        self.assertEqual(image.mode, "RGB")
