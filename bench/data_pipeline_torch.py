"""Images per second of torchvision's classification training pipeline alone (RandomResizedCrop 224 + horizontal flip,
to tensor, normalize, batches from a DataLoader), no model: the twin of bench/DataPipeline. Two readers:
  pil     torchvision.datasets.ImageFolder as users run it (PIL decode, PIL antialiased bilinear resize);
  tensor  torchvision.io.decode_jpeg + the same transforms on uint8 tensors (bilinear, no antialias: Osprey's arithmetic).
Usage: /usr/bin/python3 bench/data_pipeline_torch.py ROOT pil|tensor WORKERS EPOCHS   (batches of 32; one warm-up epoch first)"""
import sys
import time

import torch
import torchvision
from torchvision import transforms as T

root, reader, workers, epochs, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), 32
torch.set_num_threads(1)
torch.manual_seed(0)
normalize = T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
if reader == "pil":
    transform = T.Compose([T.RandomResizedCrop(224), T.RandomHorizontalFlip(), T.ToTensor(), normalize])
    dataset = torchvision.datasets.ImageFolder(root, transform)
elif reader == "tensor":
    def read(path):
        return torchvision.io.decode_jpeg(torchvision.io.read_file(path), torchvision.io.ImageReadMode.RGB)
    transform = T.Compose([T.RandomResizedCrop(224, antialias=False), T.RandomHorizontalFlip(),
                           T.ConvertImageDtype(torch.float32), normalize])
    dataset = torchvision.datasets.ImageFolder(root, transform, loader=read)
else:
    sys.exit(f"reader {reader}: expected pil or tensor")
loader = torch.utils.data.DataLoader(dataset, batch_size=batch, shuffle=True, num_workers=workers,
                                     persistent_workers=workers > 0)


def run():
    return sum(len(labels) for _, labels in loader)


run()
start, total = time.perf_counter(), 0
for _ in range(epochs):
    total += run()
seconds = time.perf_counter() - start
print(f"torchvision-{reader} workers {workers}: {total / seconds:.1f} images/s ({total} images in {seconds:.2f} s)")
