"""The softmax page's pictures: diverging weight images, examples, chart specs."""
import io
import json

import numpy as np
import torch
from PIL import Image

from ui import softmax_figures as sf


def test_diverging_colours_blue_white_red():
    rgb = sf.diverging(np.array([-2.0, -1.0, 0.0, 1.0, 5.0]), limit=1.0)
    assert rgb.dtype == np.uint8
    assert rgb[1].tolist() == list(sf.NEGATIVE_RGB) == rgb[0].tolist()   # beyond the limit: clipped
    assert rgb[2].tolist() == list(sf.ZERO_RGB)
    assert rgb[3].tolist() == list(sf.POSITIVE_RGB) == rgb[4].tolist()


def test_grey_weight_images_are_upscaled_whole_pixels():
    W = torch.zeros(10, 64)
    W[3, 0] = 1.0                     # class 3 likes the top-left pixel
    pictures = sf.weight_images(W, (1, 8, 8), size=224)
    assert len(pictures) == 10 and pictures[0].shape == (224, 224, 3)
    assert pictures[3][:28, :28].tolist() == [[list(sf.POSITIVE_RGB)] * 28] * 28
    assert (pictures[0] == np.array(sf.ZERO_RGB, dtype=np.uint8)).all()


def test_colour_weight_images_centre_zero_on_grey():
    W = torch.zeros(10, 3 * 32 * 32)
    W[0, :1024] = 1.0                 # the red channel of class 0
    pictures = sf.weight_images(W, (3, 32, 32), size=224)
    assert pictures[0].shape == (224, 224, 3)
    assert pictures[0][0, 0].tolist() == [255, 128, 128]
    assert pictures[1][0, 0].tolist() == [128, 128, 128]


def test_example_image_of_uint8_scaled_and_standardized_rows():
    row = torch.linspace(0, 1, 784)
    picture = sf.example_image(row, (1, 28, 28), size=112)
    assert picture.shape == (112, 112) and picture.max() == 255 and picture.min() == 0
    standardized = sf.example_image(row * 6 - 3, (1, 28, 28))
    assert standardized.tolist() == picture.tolist()


def test_png_is_the_upscaled_picture_losslessly_and_encoded_once():
    W = torch.randn(10, 64, generator=torch.Generator().manual_seed(0))
    small = sf.weight_images(W, (1, 8, 8), size=None)[3]
    assert small.shape == (8, 8, 3)
    data = sf.png(small, 224)
    decoded = Image.open(io.BytesIO(data))
    assert decoded.format == "PNG"    # not JPEG: the blocks' edges stay sharp
    assert np.asarray(decoded).tolist() == sf.weight_images(W, (1, 8, 8), size=224)[3].tolist()
    assert sf.png(small.copy(), 224) is data          # the same picture: not encoded again
    other = small.copy()
    other[0, 0] = 0
    assert sf.png(other, 224) != data                 # one pixel changed: a new picture
    grey = sf.example_image(torch.linspace(0, 1, 784), (1, 28, 28), None)
    assert np.asarray(Image.open(io.BytesIO(sf.png(grey)))).shape == (112, 112)


def test_confusion_spec_holds_every_cell_and_stays_constant():
    names = [str(d) for d in range(10)]
    a = sf.confusion(torch.eye(10, dtype=torch.int64) * 5, names, "t")
    b = sf.confusion(torch.ones(10, 10, dtype=torch.int64), names, "t")
    assert len(a["datasets"]["cells"]) == 100 and a["datasets"]["cells"]["count"].sum() == 50
    strip = lambda s: json.dumps({k: v for k, v in s.items() if k != "datasets"})  # noqa: E731
    assert strip(a) == strip(b)  # only the data changes: the chart updates in place
