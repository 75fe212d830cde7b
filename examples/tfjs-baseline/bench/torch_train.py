# The baselines' MLP and CNN trained in PyTorch on the images bench.ts wrote; prints one JSON line.
#
#   /usr/bin/python3 bench/torch_train.py DATA.f32 LABELS.u8 COUNT THREADS BATCH SECONDS MODELS
#
# Same architectures as the kit's zoo (mlp-128, cnn-small), Adam lr 0.001, cross-entropy on the
# logits (tfjs: softmax + categorical cross-entropy, the same loss), one warm-up step excluded,
# steps over a shuffled pass until SECONDS are spent.
import json
import sys
import time

import numpy as np
import torch
from torch import nn

data, labels, count, threads, batch, seconds, models = sys.argv[1:8]
count, threads, batch, seconds = int(count), int(threads), int(batch), float(seconds)
torch.set_num_threads(threads)
torch.manual_seed(42)
x_all = torch.from_numpy(np.fromfile(data, dtype=np.float32).reshape(count, 1, 28, 28))
y_all = torch.from_numpy(np.fromfile(labels, dtype=np.uint8).astype(np.int64))


def build(kind):
    if kind == 'mlp':
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10))


out = {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'rows': {}}
for kind in models.split(','):
    model = build(kind)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(count)
    steps, started, i = 0, None, 0
    while True:
        if i + batch > count:
            order, i = torch.randperm(count), 0
        idx = order[i:i + batch]
        i += batch
        optimizer.zero_grad()
        loss = loss_fn(model(x_all[idx]), y_all[idx])
        loss.backward()
        optimizer.step()
        if started is None:
            started = time.perf_counter()
        else:
            steps += 1
        if steps > 0 and time.perf_counter() - started > seconds:
            break
    elapsed = time.perf_counter() - started
    out['rows'][kind] = {'steps': steps, 'samplesPerSecond': steps * batch / elapsed,
                         'msPerStep': elapsed * 1000 / steps}
print(json.dumps(out))
