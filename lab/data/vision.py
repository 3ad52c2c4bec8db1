"""Image datasets through torchvision: MNIST, Fashion-MNIST, CIFAR-10 and two-class subsets.

Each is read once into uint8 rows (n, C·H·W) from the torchvision dataset's
`.data` and `.targets` arrays: no PIL image and no ToTensor per example, so
a training step only indexes a tensor. Official train/test splits. Where the
files come from, and what happens when they cannot be had: lab.data.imagefiles.
"""
from dataclasses import replace

from lab.data.dataset import Dataset
from lab.data.imagefiles import SOURCES, load_images
from lab.i18n import N_

TWO_CLASS = {  # name → (the set it is cut from, (the class that becomes 0.0, the one 1.0))
    "mnist-0v1": ("mnist", (0, 1)),
    "fashion-mnist-tshirt-v-trouser": ("fashion-mnist", (0, 1)),
}


def mnist(seed=0, data_dir=None, progress=None):
    """C5: handwritten digits 0–9, 28×28 grey, 60 000 train / 10 000 test."""
    return image_dataset("mnist", data_dir, progress,
                         N_("MNIST: handwritten digits 0–9, 28×28 grey, 60 000 / 10 000."))


def fashion_mnist(seed=0, data_dir=None, progress=None):
    """C4: clothes in 10 classes, 28×28 grey, 60 000 train / 10 000 test."""
    return image_dataset("fashion-mnist", data_dir, progress,
                         N_("Fashion-MNIST: clothes in 10 classes, 28×28 grey, 60 000 / 10 000."))


def cifar10(seed=0, data_dir=None, progress=None):
    """C5: colour photos in 10 classes, 32×32×3, 50 000 train / 10 000 test."""
    return image_dataset("cifar10", data_dir, progress,
                         N_("CIFAR-10: colour photos in 10 classes, 32×32, 50 000 / 10 000."))


def mnist_0v1(seed=0, data_dir=None, progress=None):
    """MNIST's zeros (0) and ones (1) only, for the logistic model."""
    return two_classes("mnist-0v1", data_dir, progress,
                       N_("MNIST, zeros (0) vs ones (1): 28×28 grey, about 12 700 / 2 100."))


def fashion_tshirt_v_trouser(seed=0, data_dir=None, progress=None):
    """Fashion-MNIST's T-shirts (0) and trousers (1) only, for the logistic model."""
    return two_classes("fashion-mnist-tshirt-v-trouser", data_dir, progress,
                       N_("Fashion-MNIST, T-shirts (0) vs trousers (1): 28×28 grey, "
                          "12 000 / 2 000."))


def image_dataset(name, data_dir, progress, description):
    """The named set as a Dataset: the official split, uint8 pixels, int64 labels."""
    (X_train, y_train), (X_test, y_test), classes = load_images(name, data_dir,
                                                                progress=progress)
    return Dataset(name, "multiclass", X_train, y_train, X_test, y_test, [], classes,
                   image_shape=SOURCES[name].image_shape, description=description)


def two_classes(name, data_dir, progress, description):
    """The set `name` of TWO_CLASS: only its two classes' rows, labelled 0.0 and 1.0 (float32)."""
    whole, (first, second) = TWO_CLASS[name]
    data = image_dataset(whole, data_dir, progress, description)
    X_train, y_train = keep_two_classes(data.X_train, data.y_train, first, second)
    X_test, y_test = keep_two_classes(data.X_test, data.y_test, first, second)
    names = [data.class_names[first], data.class_names[second]]
    return replace(data, name=name, task="binary", X_train=X_train, y_train=y_train,
                   X_test=X_test, y_test=y_test, class_names=names)


def keep_two_classes(X, y, first, second):
    """Only the rows of classes `first` (now 0.0) and `second` (now 1.0)."""
    keep = (y == first) | (y == second)
    return X[keep], (y[keep] == second).float()


def files_of(name):
    """The image set whose files the set `name` reads (itself, or the one it is cut
    from), or None if it reads none."""
    whole = TWO_CLASS[name][0] if name in TWO_CLASS else name
    return whole if whole in SOURCES else None


VISION_DATASETS = {
    "mnist": mnist,
    "fashion-mnist": fashion_mnist,
    "cifar10": cifar10,
    "mnist-0v1": mnist_0v1,
    "fashion-mnist-tshirt-v-trouser": fashion_tshirt_v_trouser,
}
