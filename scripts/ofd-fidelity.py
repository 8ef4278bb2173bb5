"""Compares Piaojia's drawing of an OFD file with an independent renderer's.

usage: ofd-fidelity.py FILE.ofd OURS_DIR FONT [SIDE_BY_SIDE_DIR]

OURS_DIR holds Piaojia's pages as page-1.png, page-2.png, ... The reference is
ofd2png (PyPI, Pillow-based; its text in FONT, which it looks for as msyh.ttc in
its working folder). Both are compared in grey at Piaojia's size with the SSIM of
scikit-image. Prints one JSON object: the reference's page count and a score per page,
or the reference's error where it cannot draw the file.
With SIDE_BY_SIDE_DIR, writes each page's pair beside each other there.
"""

import glob
import json
import os
import shutil
import sys
import tempfile

import numpy as np
from PIL import Image
from skimage.metrics import structural_similarity

from ofd2png import convert_file


def reference_pages(ofd, font):
    work = tempfile.mkdtemp()
    try:
        os.symlink(os.path.abspath(font), os.path.join(work, "msyh.ttc"))
        shutil.copy(ofd, os.path.join(work, "input.ofd"))
        here = os.getcwd()
        os.chdir(work)
        try:
            convert_file(os.path.join(work, "input.ofd"))
        finally:
            os.chdir(here)
        found = glob.glob(os.path.join(work, "**", "page_*.png"), recursive=True)
        found.sort(key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0]))
        return [Image.open(p).convert("RGB") for p in found]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ofd, ours_dir, font = sys.argv[1:4]
    side_dir = sys.argv[4] if len(sys.argv) > 4 else None
    try:
        refs = reference_pages(ofd, font)
    except Exception as e:  # the reference's own failure on this file: reported, not hidden
        print(json.dumps({"reference_pages": 0, "ssim": [], "reference_error": f"{type(e).__name__}: {e}"}))
        return
    scores = []
    for n, ref in enumerate(refs, start=1):
        path = os.path.join(ours_dir, f"page-{n}.png")
        if not os.path.exists(path):
            break
        ours = Image.open(path).convert("RGB")
        ref = ref.resize(ours.size, Image.LANCZOS)
        a = np.asarray(ours.convert("L"), dtype=np.float64)
        b = np.asarray(ref.convert("L"), dtype=np.float64)
        score = structural_similarity(a, b, data_range=255.0, gaussian_weights=True, sigma=1.5)
        scores.append(round(float(score), 4))
        if side_dir:
            both = Image.new("RGB", (ours.width * 2 + 8, ours.height), "white")
            both.paste(ours, (0, 0))
            both.paste(ref, (ours.width + 8, 0))
            name = os.path.splitext(os.path.basename(ofd))[0]
            both.save(os.path.join(side_dir, f"{name}-{n}.png"), optimize=True)
    print(json.dumps({"reference_pages": len(refs), "ssim": scores}))


if __name__ == "__main__":
    main()
