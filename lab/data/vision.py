"""Image datasets through torchvision: MNIST, Fashion-MNIST, CIFAR-10 and two-class subsets.

Each is read once into uint8 rows (n, C·H·W) from the torchvision dataset's
`.data` and `.targets` arrays: no PIL image and no ToTensor per example, so
a training step only indexes a tensor. Official train/test splits. Where the
files come from, and what happens when they cannot be had: lab.data.imagefiles.
"""
from dataclasses import replace

from lab.data.dataset import Dataset
from lab.data.imagefiles import SOURCES, DatasetUnavailable, load_images  # noqa: F401 (for callers)


def mnist(seed=0, data_dir=None, progress=None):
    """C5: handwritten digits 0–9, 28×28 grey, 60 000 train / 10 000 test."""
    return image_dataset("mnist", data_dir, progress,
                         "MNIST: handwritten digits 0–9, 28×28 grey, 60 000 / 10 000.")


def fashion_mnist(seed=0, data_dir=None, progress=None):
    """C4: clothes in 10 classes, 28×28 grey, 60 000 train / 10 000 test."""
    return image_dataset("fashion-mnist", data_dir, progress,
                         "Fashion-MNIST: clothes in 10 classes, 28×28 grey, 60 000 / 10 000.")


def cifar10(seed=0, data_dir=None, progress=None):
    """C5: colour photos in 10 classes, 32×32×3, 50 000 train / 10 000 test."""
    return image_dataset("cifar10", data_dir, progress,
                         "CIFAR-10: colour photos in 10 classes, 32×32, 50 000 / 10 000.")


def mnist_0v1(seed=0, data_dir=None, progress=None):
    """MNIST's zeros (0) and ones (1) only, for the logistic model."""
    return two_classes(mnist(seed, data_dir, progress), (0, 1), "mnist-0v1",
                       "MNIST, zeros (0) vs ones (1): 28×28 grey, about 12 700 / 2 100.")


def fashion_tshirt_v_trouser(seed=0, data_dir=None, progress=None):
    """Fashion-MNIST's T-shirts (0) and trousers (1) only, for the logistic model."""
    data = fashion_mnist(seed, data_dir, progress)
    return two_classes(data, (0, 1), "fashion-mnist-tshirt-v-trouser",
                       "Fashion-MNIST, T-shirts (0) vs trousers (1): 28×28 grey, 12 000 / 2 000.")


def image_dataset(name, data_dir, progress, description):
    """The named set as a Dataset: the official split, uint8 pixels, int64 labels."""
    (X_train, y_train), (X_test, y_test), classes = load_images(name, data_dir,
                                                                progress=progress)
    return Dataset(name, "multiclass", X_train, y_train, X_test, y_test, [], classes,
                   image_shape=SOURCES[name].image_shape, description=description)


def two_classes(data, pair, name, description):
    """Only the rows of the two classes in `pair`, labelled 0.0 and 1.0 (float32)."""
    first, second = pair

    def pick(X, y):
        keep = (y == first) | (y == second)
        return X[keep], (y[keep] == second).float()

    X_train, y_train = pick(data.X_train, data.y_train)
    X_test, y_test = pick(data.X_test, data.y_test)
    names = [data.class_names[first], data.class_names[second]]
    return replace(data, name=name, task="binary", X_train=X_train, y_train=y_train,
                   X_test=X_test, y_test=y_test, class_names=names, description=description)


VISION_DATASETS = {
    "mnist": mnist,
    "fashion-mnist": fashion_mnist,
    "cifar10": cifar10,
    "mnist-0v1": mnist_0v1,
    "fashion-mnist-tshirt-v-trouser": fashion_tshirt_v_trouser,
}
