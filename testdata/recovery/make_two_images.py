"""Writes testdata/recovery/two_images/: a COCO keypoint JSON of two small
images with one person each (the first annotated person of COCO val2017
images 785 and 197388 from ../shared/data/keypoints/coco/test_coco.json,
coordinates scaled by 1/4; COCO annotations are CC BY 4.0) and the two
images as flat grey PNGs of the scaled sizes (the photos are not needed:
the test checks that the frames are read and drawn on).

Run from the project root: /usr/bin/python3 testdata/recovery/make_two_images.py
"""
import json
import struct
import zlib
from pathlib import Path

SOURCE = Path("../shared/data/keypoints/coco/test_coco.json")
OUT = Path("testdata/recovery/two_images")
SCALE = 0.25


def write_png(path, width, height, grey):
    raw = b"".join(b"\x00" + bytes([grey]) * (3 * width) for _ in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
                     chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    coco = json.loads(SOURCE.read_text())
    images, annotations = [], []
    for number, image_id in enumerate([785, 197388]):
        image = next(i for i in coco["images"] if i["id"] == image_id)
        person = next(a for a in coco["annotations"] if a["image_id"] == image_id)
        width, height = int(image["width"] * SCALE), int(image["height"] * SCALE)
        name = f"image_{number}.png"
        write_png(OUT / name, width, height, 90 + 60 * number)
        images.append({"id": image_id, "file_name": name, "width": width, "height": height})
        k = person["keypoints"]
        scaled = []
        for j in range(17):
            x, y, v = k[3 * j:3 * j + 3]
            scaled += [round(x * SCALE, 2), round(y * SCALE, 2), v] if v > 0 else [0, 0, 0]
        annotations.append({"id": person["id"], "image_id": image_id, "category_id": 1,
                            "iscrowd": 0, "num_keypoints": sum(v > 0 for v in scaled[2::3]),
                            "keypoints": scaled})
    out = {"images": images, "annotations": annotations,
           "categories": [c for c in coco["categories"] if c["id"] == 1]}
    (OUT / "kp.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
