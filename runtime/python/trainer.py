#!/usr/bin/env python3
"""NetLens's PyTorch trainer: `python3 trainer.py RUN/job.json`.

Reads the job (docs/events.md), trains the exported module's `build()` on the run directory's
.npy data, and writes one JSON event per line to stdout (flushed per event). Logs and tracebacks
go to stderr. Checkpoints go to RUN/checkpoints/ (a temporary file, then os.replace).
Exit status: 0 completed / early-stopped / cancelled, 1 failed (after an `error` or a failed
`end` event), 130 on a second SIGINT/SIGTERM.
"""
import datetime
import importlib.util
import json
import math
import os
import signal
import sys
import time
import traceback

EVENTS_VERSION = 1
CHECKPOINT_VERSION = 1
BATCH_INTERVAL = 0.1  # at most 10 batch events a second

_tmp_files = set()  # temporary checkpoint files being written: removed on a hard stop


def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def clean(value):
    """JSON-safe numbers: NaN and infinities become null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


# Seconds spent in emit() so far: building, serialising, writing and flushing events. The `end`
# event reports it as `eventSeconds`, so the cost of streaming events is measured, not assumed
# (npm run bench:train divides it by the training time).
_event_seconds = [0.0]


def emit(event_type, **fields):
    t0 = time.perf_counter()
    event = {"v": EVENTS_VERSION, "type": event_type, "time": now()}
    event.update(clean(fields))
    if event_type == 'end':
        # Everything before this event; its own write cannot be in it.
        event['eventSeconds'] = _event_seconds[0]
    sys.stdout.write(json.dumps(event, allow_nan=False) + '\n')
    sys.stdout.flush()
    _event_seconds[0] += time.perf_counter() - t0


def log(message):
    sys.stderr.write(message + '\n')
    sys.stderr.flush()


class Failure(Exception):
    """A clear, human failure: becomes an `error` event and exit 1."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


# ---------------------------------------------------------------------------------------------
# Signals


class Cancel:
    def __init__(self):
        self.requested = False

    def install(self):
        signal.signal(signal.SIGINT, self.handle)
        signal.signal(signal.SIGTERM, self.handle)

    def handle(self, signum, frame):
        if self.requested:
            # Second signal: stop at once. Checkpoints are only ever complete files (temporary
            # file + os.replace), and a temporary file being written is removed.
            for tmp in list(_tmp_files):
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
            try:
                emit('end', status='cancelled', epochs=None, bestEpoch=None, bestValLoss=None, testLoss=None,
                     testAccuracy=None, seconds=None, reason='stopped at once by a second signal; the last complete checkpoint is kept')
            except Exception:
                pass
            os._exit(130)
        self.requested = True
        log('netlens trainer: %s: finishing the current step, then writing a checkpoint (signal again to stop at once)'
            % signal.Signals(signum).name)


# ---------------------------------------------------------------------------------------------
# Job, data and module


def load_job(path):
    try:
        with open(path) as f:
            job = json.load(f)
    except FileNotFoundError:
        raise Failure('job', 'job file %s does not exist' % path)
    except ValueError as e:
        raise Failure('job', 'job file %s is not valid JSON: %s' % (path, e))
    if job.get('version') != 1:
        raise Failure('job', 'job file %s has version %r; this trainer reads version 1' % (path, job.get('version')))
    job.setdefault('runDir', os.path.dirname(os.path.abspath(path)))
    return job


def load_split(np, run_dir, split, name, classes):
    if not split:
        return None
    arrays = []
    for key in ('x', 'y'):
        rel = split.get(key)
        if not rel:
            raise Failure('data', 'the %s split of job.json has no "%s" file' % (name, key))
        full = os.path.join(run_dir, rel)
        if not os.path.exists(full):
            raise Failure('data', 'the %s data file %s does not exist' % (name, full))
        try:
            arrays.append(np.load(full, allow_pickle=False))
        except Exception as e:
            raise Failure('data', 'the %s data file %s cannot be read as .npy: %s' % (name, full, e))
    x, y = arrays
    if x.shape[0] != y.shape[0]:
        raise Failure('data', 'the %s split has %d samples but %d labels' % (name, x.shape[0], y.shape[0]))
    if x.shape[0] == 0:
        raise Failure('data', 'the %s split is empty' % name)
    y = y.reshape(-1).astype(np.int64)
    if classes and (y.min() < 0 or y.max() >= classes):
        bad = int(y.min()) if y.min() < 0 else int(y.max())
        raise Failure('data', 'the %s split has label %d, outside 0..%d for %d classes' % (name, bad, classes - 1, classes))
    return x.astype(np.float32, copy=False), y


def load_module(path):
    if not os.path.exists(path):
        raise Failure('module', 'the model module %s does not exist' % path)
    try:
        spec = importlib.util.spec_from_file_location('netlens_model', path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except Exception as e:
        log(traceback.format_exc())
        raise Failure('module', 'the model module %s could not be loaded: %s: %s' % (path, type(e).__name__, e))
    if not hasattr(module, 'build'):
        raise Failure('module', 'the model module %s has no build() function' % path)
    try:
        model = module.build()
    except Exception as e:
        log(traceback.format_exc())
        raise Failure('module', 'build() in %s failed: %s: %s' % (path, type(e).__name__, e))
    return module, model


# ---------------------------------------------------------------------------------------------
# Augmentations (docs/engines.md, "Data"), in pixel space: de-normalise, augment, re-normalise.


def draws_per_sample(augments, sample_size):
    n = 0
    for a in augments:
        n += {'hflip': 1, 'crop': 2, 'rotate': 1}.get(a['name'], 0)
        if a['name'] == 'noise':
            n += 2 * ((sample_size + 1) // 2)
    return n


AUG_DEFAULTS = {'hflip': {}, 'crop': {'pad': 4}, 'rotate': {'degrees': 10}, 'noise': {'std': 0.1}}


def opt(a, key):
    return (a.get('options') or {}).get(key, AUG_DEFAULTS[a['name']][key])


def augment_batch(torch, F, np, xb, augments, rng, mean, std):
    """xb: B×C×H×W (or B×D) normalised; returns the augmented batch, normalised again."""
    B = xb.shape[0]
    shape = tuple(xb.shape[1:])
    size = int(np.prod(shape))
    u = rng.take(B * draws_per_sample(augments, size)).reshape(B, -1)
    x = xb * std + mean
    col = 0
    for a in augments:
        name = a['name']
        if name == 'hflip':
            flip = torch.from_numpy(u[:, col] < 0.5).to(x.device)
            col += 1
            x = torch.where(flip.view(B, 1, 1, 1), x.flip(3), x)
        elif name == 'crop':
            pad = int(opt(a, 'pad'))
            dy = np.floor(u[:, col] * (2 * pad + 1)).astype(np.int64)
            dx = np.floor(u[:, col + 1] * (2 * pad + 1)).astype(np.int64)
            col += 2
            H, W = shape[1], shape[2]
            padded = F.pad(x, (pad, pad, pad, pad))
            x = torch.stack([padded[i, :, dy[i]:dy[i] + H, dx[i]:dx[i] + W] for i in range(B)])
        elif name == 'rotate':
            deg = (2 * u[:, col] - 1) * float(opt(a, 'degrees'))
            col += 1
            H, W = shape[1], shape[2]
            rad = deg * math.pi / 180
            c, s = np.cos(rad), np.sin(rad)
            cx, cy = (W - 1) / 2, (H - 1) / 2
            rx = cy / cx if cx > 0 else 0.0
            ry = cx / cy if cy > 0 else 0.0
            theta = np.zeros((B, 2, 3))
            theta[:, 0, 0] = c
            theta[:, 0, 1] = -s * rx
            theta[:, 1, 0] = s * ry
            theta[:, 1, 1] = c
            theta = torch.from_numpy(theta).to(x.device, x.dtype)
            grid = F.affine_grid(theta, list(x.shape), align_corners=True)
            x = F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=True)
        elif name == 'noise':
            n = 2 * ((size + 1) // 2)
            z = normals(np, u[:, col:col + n])[:, :size]
            col += n
            x = x + float(opt(a, 'std')) * torch.from_numpy(z.astype(np.float32)).to(x.device).view(x.shape)
        else:
            raise Failure('job', "unknown augmentation '%s'" % name)
    return (x - mean) / std


def normals(np, u):
    from netlens_random import normals_from
    return normals_from(u)


# ---------------------------------------------------------------------------------------------
# Training


def atomic_save(torch, obj, path):
    tmp = '%s.tmp-%d' % (path, os.getpid())
    _tmp_files.add(tmp)
    try:
        with open(tmp, 'wb') as f:
            torch.save(obj, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        _tmp_files.discard(tmp)
        if os.path.exists(tmp):
            os.unlink(tmp)


def choose_device(torch, settings):
    want = str(settings.get('device') or 'auto')
    reasons = []
    if want == 'cpu':
        return torch.device('cpu'), 'cpu', 'device cpu as set'
    if want.startswith('gpu'):
        if not torch.cuda.is_available():
            raise Failure('device', 'device %s was asked for, but PyTorch sees no CUDA GPU' % want)
        index = int(want.split(':')[1]) if ':' in want else 0
        if index >= torch.cuda.device_count():
            raise Failure('device', 'device %s was asked for, but PyTorch sees %d GPU(s)' % (want, torch.cuda.device_count()))
        dev = torch.device('cuda', index)
        return dev, 'cuda:%d (%s)' % (index, torch.cuda.get_device_name(index)), 'device %s as set' % want
    if torch.cuda.is_available():
        dev = torch.device('cuda', 0)
        return dev, 'cuda:0 (%s)' % torch.cuda.get_device_name(0), 'device auto: CUDA is available'
    return torch.device('cpu'), 'cpu', 'device auto: no CUDA GPU, so the CPU'


def choose_precision(torch, settings, device):
    want = str(settings.get('precision') or 'auto')
    if device.type != 'cuda':
        if want in ('bf16', 'fp16'):
            return 'fp32', 'precision fp32: %s autocast is only used on a GPU' % want
        return 'fp32', 'precision fp32 on the CPU'
    if want == 'fp32':
        return 'fp32', 'precision fp32 as set'
    if want == 'fp16':
        return 'fp16', 'precision fp16 autocast with gradient scaling, as set'
    if torch.cuda.is_bf16_supported():
        return 'bf16', 'precision bf16 autocast' + (' as set' if want == 'bf16' else ' (auto: the GPU supports bf16)')
    if want == 'bf16':
        return 'fp16', 'precision fp16 autocast: the GPU has no bf16'
    return 'fp32', 'precision fp32 (auto: the GPU has no bf16)'


def make_optimizer(torch, params, o):
    name = o.get('name', 'adam')
    lr = float(o.get('lr', 1e-3))
    wd = float(o.get('weightDecay') or 0)
    mom = float(o.get('momentum') or 0)
    if name == 'sgd':
        return torch.optim.SGD(params, lr=lr, momentum=mom, nesterov=bool(o.get('nesterov')) and mom > 0, weight_decay=wd)
    if name == 'adam':
        return torch.optim.Adam(params, lr=lr, weight_decay=wd)
    if name == 'adamw':
        return torch.optim.AdamW(params, lr=lr, weight_decay=wd)
    if name == 'rmsprop':
        return torch.optim.RMSprop(params, lr=lr, momentum=mom, weight_decay=wd)
    if name == 'adadelta':
        return torch.optim.Adadelta(params, lr=lr, weight_decay=wd)
    raise Failure('job', "unknown optimizer '%s'" % name)


def make_schedule(torch, optimizer, s, epochs, steps_per_epoch):
    """Every schedule is stepped once per training step."""
    name = (s or {}).get('name', 'none')
    options = (s or {}).get('options') or {}
    total = max(1, epochs * steps_per_epoch)
    if name == 'none':
        f = lambda step: 1.0
    elif name == 'step':
        every = int(options.get('every', 10))
        gamma = float(options.get('gamma', 0.1))
        f = lambda step: gamma ** ((step // steps_per_epoch) // every)
    elif name == 'cosine':
        f = lambda step: 0.5 * (1 + math.cos(math.pi * min(step, total) / total))
    elif name == 'warmup':
        warm = max(1, int(options.get('epochs', 1)) * steps_per_epoch)
        f = lambda step: min(1.0, (step + 1) / warm)
    elif name == 'onecycle':
        if 'max_lr' not in options:
            raise Failure('job', 'schedule onecycle needs max_lr=')
        return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=float(options['max_lr']), total_steps=total)
    else:
        raise Failure('job', "unknown schedule '%s'" % name)
    return torch.optim.lr_scheduler.LambdaLR(optimizer, f)


def make_loss(torch, F, loss, activation, classes):
    """Returns loss(output, y) -> mean loss."""
    eps = 1e-12
    if loss == 'crossentropy':
        if activation == 'softmax':
            return lambda out, y: F.nll_loss(torch.log(out.float().clamp_min(eps)), y)
        return lambda out, y: F.cross_entropy(out.float(), y)
    if loss == 'nll':
        if activation == 'softmax':
            return lambda out, y: F.nll_loss(torch.log(out.float().clamp_min(eps)), y)
        return lambda out, y: F.nll_loss(out.float(), y)  # log-probabilities expected

    def targets(out, y):
        if out.dim() == 1 or out.shape[1] == 1:
            return y.float().view(out.shape)
        return F.one_hot(y, out.shape[1]).float()

    if loss == 'bce':
        if activation == 'sigmoid':
            return lambda out, y: F.binary_cross_entropy(out.float().clamp(eps, 1 - eps), targets(out, y))
        return lambda out, y: F.binary_cross_entropy_with_logits(out.float(), targets(out, y))
    if loss == 'mse':
        return lambda out, y: F.mse_loss(out.float(), targets(out, y))
    raise Failure('job', "unknown loss '%s'" % loss)


def correct_count(torch, out, y):
    if out.dim() == 1 or out.shape[1] == 1:
        o = out.view(-1)
        # logits or probabilities: threshold at the midpoint of the output's range
        thr = 0.5 if (o.min() >= 0 and o.max() <= 1) else 0.0
        return int(((o > thr).long() == y).sum())
    return int((out.argmax(1) == y).sum())


def dense_through_onednn(torch, F, model, device):
    """Dense layers as 1x1 convolutions where torch multiplies matrices with the reference BLAS.

    Debian's torch is built with BLAS_INFO=generic: nn.Linear's matrix product runs on netlib's
    reference BLAS, one thread, while convolutions run on oneDNN. A dense layer on a batch is the
    same product as a 1x1 convolution over a length-1 signal, which oneDNN computes 5-7x faster
    here (9216 -> 128 at batch 64: 130 ms against 18 ms, forward and backward); results agree to
    float rounding. The module and its parameters are unchanged (checkpoints and the exported
    model.py are plain PyTorch); only the forward of this process's instances is routed.
    Returns the sentence for the start event's `why`, or None where nothing was changed."""
    if device.type != 'cpu' or not torch.backends.mkldnn.is_available():
        return None
    if 'BLAS_INFO=generic' not in torch.__config__.show():
        return None

    def forward(self, x):
        if x.dim() != 2:
            return F.linear(x, self.weight, self.bias)
        return F.conv1d(x.unsqueeze(-1), self.weight.unsqueeze(-1), self.bias).squeeze(-1)

    routed = 0
    for module in model.modules():
        if isinstance(module, torch.nn.Linear):
            module.forward = forward.__get__(module, torch.nn.Linear)
            routed += 1
    if not routed:
        return None
    return 'dense layers through oneDNN (this torch multiplies matrices with the reference BLAS)'


# Overfitting: epochs the validation loss stays above its best, and how far above it (10%).
OVERFIT_PATIENCE = 3
OVERFIT_RISE = 0.1


class Diagnoser:
    """The rules of docs/events.md, each kind reported at most once per run."""

    def __init__(self, classes, state=None):
        self.classes = classes
        s = state or {}
        self.loss = s.get('loss', [])
        self.acc = s.get('acc', [])
        self.val = s.get('val', [])
        self.done = set(s.get('done', []))
        self.first_step_loss = s.get('firstStepLoss')

    def state(self):
        return {'loss': self.loss, 'acc': self.acc, 'val': self.val, 'done': sorted(self.done), 'firstStepLoss': self.first_step_loss}

    def step(self, epoch, loss):
        """Per step: None or a divergence diagnosis (loss NaN or infinite)."""
        if self.first_step_loss is None and math.isfinite(loss):
            self.first_step_loss = loss
        if not math.isfinite(loss):
            self.done.add('divergence')
            return dict(kind='divergence', epoch=epoch, setting='optimizer.lr',
                        evidence={'loss': loss, 'firstEpochLoss': self.loss[0] if self.loss else None},
                        message='the training loss became %s in epoch %d; lower the learning rate' % ('NaN' if loss != loss else 'infinite', epoch))
        return None

    def overfitting(self, epoch, loss, e):
        """The validation loss has stayed above its best for OVERFIT_PATIENCE epochs and is now
        OVERFIT_RISE above it while the training loss kept falling: early stopping's criterion
        with a margin, so one noisy epoch neither raises nor hides it."""
        if 'overfitting' in self.done:
            return None
        now = self.val[e - 1]
        seen = [(v, i) for i, v in enumerate(self.val) if v is not None]
        if now is None or not seen:
            return None
        low, best = min(seen)
        if e - 1 - best < OVERFIT_PATIENCE:
            return None
        then = self.loss[best]
        if not (now >= low * (1 + OVERFIT_RISE) and loss < then):
            return None
        self.done.add('overfitting')
        start = epoch - (e - 1 - best)
        return dict(kind='overfitting', epoch=epoch, setting='epochs',
                    evidence={'valLoss': [low, now], 'epochs': [start, epoch], 'trainLoss': [then, loss], 'gap': now - loss},
                    message='validation loss rose from %s (epoch %d) to %s (epoch %d) while training loss fell from %s to %s (gap %s); '
                            'stop earlier (early_stop), add dropout or get more data'
                            % (fmt(low), start, fmt(now), epoch, fmt(then), fmt(loss), fmt(now - loss)))

    def epoch(self, epoch, loss, acc, val):
        self.loss.append(loss)
        self.acc.append(acc)
        self.val.append(val)
        out = []
        e = len(self.loss)
        ref = self.loss[0] if e > 1 else self.first_step_loss
        if 'divergence' not in self.done and ref is not None and (not math.isfinite(loss) or loss > 3 * ref):
            self.done.add('divergence')
            what = 'first epoch' if e > 1 else 'first step'
            out.append(dict(kind='divergence', epoch=epoch, setting='optimizer.lr',
                            evidence={'loss': loss, ('firstEpochLoss' if e > 1 else 'firstStepLoss'): ref},
                            message='training loss %s in epoch %d is more than 3× the %s\'s %s; lower the learning rate'
                                    % (fmt(loss), epoch, what, fmt(ref))))
            return out
        over = self.overfitting(epoch, loss, e)
        if over:
            out.append(over)
        if 'underfitting' not in self.done and e >= 2 and self.classes and self.classes > 1:
            limit = 1.5 / self.classes
            if acc < limit:
                self.done.add('underfitting')
                out.append(dict(kind='underfitting', epoch=epoch, setting='optimizer.lr',
                                evidence={'accuracy': acc, 'threshold': limit, 'chance': 1 / self.classes, 'epochs': e},
                                message='training accuracy is %s after %d epochs, below 1.5× chance (%s) for %d classes; '
                                        'try another learning rate or a larger model' % (fmt(acc), e, fmt(limit), self.classes)))
        if 'plateau' not in self.done and 'underfitting' not in self.done and e >= 4:
            before = self.loss[-4]
            if before > 0 and (before - loss) < 0.01 * before:
                self.done.add('plateau')
                out.append(dict(kind='plateau', epoch=epoch, setting='optimizer.lr',
                                evidence={'trainLoss': self.loss[-4:], 'epochs': [epoch - 3, epoch], 'improvement': (before - loss) / before},
                                message='training loss improved by less than 1%% over epochs %d–%d (%s to %s); '
                                        'lower the learning rate (a schedule) or stop' % (epoch - 3, epoch, fmt(before), fmt(loss))))
        return out


def fmt(x):
    if x is None:
        return 'n/a'
    if not math.isfinite(x):
        return str(x)
    return '%.4g' % x


def evaluate(torch, model, loss_fn, x, y, batch, device, autocast):
    model.eval()
    total, correct, n = 0.0, 0, x.shape[0]
    with torch.no_grad():
        for i in range(0, n, batch):
            xb = x[i:i + batch].to(device, non_blocking=True)
            yb = y[i:i + batch].to(device, non_blocking=True)
            with autocast():
                out = model(xb)
            total += float(loss_fn(out, yb)) * xb.shape[0]
            correct += correct_count(torch, out, yb)
    return total / n, correct / n


def train(job, cancel):
    t_start = time.time()
    try:
        import numpy as np
        import torch
        import torch.nn.functional as F
    except ImportError as e:
        raise Failure('no-torch', '%s has no PyTorch (%s); install it (pip install torch, or Debian\'s python3-torch) '
                      'or set NETLENS_PYTHON to a Python that has it' % (sys.executable, e))
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import netlens_random as R

    run_dir = job['runDir']
    settings = job.get('settings') or {}
    classes = int(job.get('classes') or 0)
    activation = job.get('outputActivation')
    torch.set_num_threads(int(job.get('threads') or os.cpu_count() or 1))

    data = job.get('data') or {}
    train_xy = load_split(np, run_dir, data.get('train'), 'training', classes)
    if train_xy is None:
        raise Failure('data', 'job.json has no training data')
    val_xy = load_split(np, run_dir, data.get('val'), 'validation', classes)
    test_xy = load_split(np, run_dir, data.get('test'), 'test', classes)

    seed = int(settings.get('seed', 0))
    torch.manual_seed(seed)
    module_path = os.path.join(run_dir, job.get('module', 'model.py'))
    module, model = load_module(module_path)
    model_name = type(model).__name__
    expected = getattr(module, 'INPUT_SHAPE', None)
    if expected is not None and tuple(expected) != tuple(train_xy[0].shape[1:]):
        raise Failure('data', 'the model %s takes input %s but the training data has samples of shape %s; '
                      'pad or resize the data in the train block (e.g. data mnist pad=2)'
                      % (model_name, '×'.join(map(str, expected)), '×'.join(map(str, train_xy[0].shape[1:]))))

    device, device_name, device_why = choose_device(torch, settings)
    precision, precision_why = choose_precision(torch, settings, device)
    model.to(device)
    dense_why = dense_through_onednn(torch, F, model, device)
    amp_dtype = {'bf16': torch.bfloat16, 'fp16': torch.float16}.get(precision)

    def autocast():
        if amp_dtype is None:
            return torch.autocast('cpu', enabled=False)
        return torch.autocast('cuda', dtype=amp_dtype)

    scaler = torch.cuda.amp.GradScaler(enabled=(precision == 'fp16'))

    # All data in memory as tensors, on the device when it fits (a quarter of free GPU memory).
    def tensors(xy):
        if xy is None:
            return None
        x, y = torch.from_numpy(np.ascontiguousarray(xy[0])), torch.from_numpy(xy[1])
        if device.type == 'cuda':
            free = torch.cuda.mem_get_info(device)[0]
            if x.numel() * 4 < free / 4:
                return x.to(device), y.to(device)
            return x.pin_memory(), y.pin_memory()
        return x, y

    xtr, ytr = tensors(train_xy)
    val = tensors(val_xy)
    test = tensors(test_xy)
    N = xtr.shape[0]

    epochs = int(settings.get('epochs', 10))
    batch = int(settings.get('batch', 32))
    steps_per_epoch = math.ceil(N / batch)
    augments = settings.get('augment') or []
    for a in augments:
        if a.get('name') not in AUG_DEFAULTS:
            raise Failure('job', "unknown augmentation '%s'" % a.get('name'))
        if a['name'] != 'noise' and xtr.dim() != 4:
            raise Failure('data', 'augment %s needs images (C×H×W), but the samples have shape %s' % (a['name'], list(xtr.shape[1:])))
    norm = job.get('normalise') or {}
    view = (1, -1) + (1,) * (xtr.dim() - 2)
    mean = torch.tensor(norm.get('mean') or [0.0], dtype=torch.float32, device=device).view(view) if norm.get('mean') else torch.zeros(1, device=device)
    std = torch.tensor(norm.get('std') or [1.0], dtype=torch.float32, device=device).view(view) if norm.get('std') else torch.ones(1, device=device)

    optimizer = make_optimizer(torch, model.parameters(), settings.get('optimizer') or {})
    scheduler = make_schedule(torch, optimizer, settings.get('schedule'), epochs, steps_per_epoch)
    loss_fn = make_loss(torch, F, settings.get('loss', 'crossentropy'), activation, classes)
    early = settings.get('earlyStop')
    monitor = (early or {}).get('monitor', 'val_loss')
    if early and val is None and monitor.startswith('val_'):
        log('netlens trainer: early_stop monitor=%s without validation data: monitoring the training loss' % monitor)
        monitor = 'loss'

    ckpt_dir = os.path.join(run_dir, 'checkpoints')
    os.makedirs(ckpt_dir, exist_ok=True)

    # State that a checkpoint carries.
    start_epoch, start_step_in_epoch, global_step = 0, 0, 0
    best = {'valLoss': None, 'epoch': None, 'monitor': None, 'bad': 0, 'loss': None}
    partial = None
    diag_state = None
    resumed_from = None
    if job.get('resume'):
        path = os.path.join(run_dir, job['resume'])
        if not os.path.exists(path):
            raise Failure('resume', 'the checkpoint %s does not exist' % path)
        try:
            ck = torch.load(path, map_location=device)
            model.load_state_dict(ck['model'])
            optimizer.load_state_dict(ck['optimizer'])
            scheduler.load_state_dict(ck['scheduler'])
            if ck.get('scaler'):
                scaler.load_state_dict(ck['scaler'])
        except Exception as e:
            log(traceback.format_exc())
            raise Failure('resume', 'the checkpoint %s cannot be loaded into this model: %s' % (path, e))
        start_epoch = ck['epoch']            # epochs completed
        global_step = ck['step']
        best = ck['best']
        diag_state = ck.get('diagnosis')
        partial = ck.get('partial')
        torch.set_rng_state(ck['rng']['torch'])
        if ck['rng'].get('cuda') is not None and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(ck['rng']['cuda'])
        resumed_from = start_epoch
        if partial:
            start_step_in_epoch = partial['stepInEpoch']

    diag = Diagnoser(classes, diag_state)
    params = sum(p.numel() for p in model.parameters())
    why = '; '.join(x for x in [(job.get('engine') or {}).get('why'), device_why, precision_why, dense_why] if x)
    emit('start', engine='torch', backend='pytorch ' + torch.__version__, device=device_name, precision=precision, why=why,
         model=model_name, params=params, samples=N, valSamples=val[0].shape[0] if val else None,
         testSamples=test[0].shape[0] if test else None, epochs=epochs, batch=batch, stepsPerEpoch=steps_per_epoch,
         resumedFrom=resumed_from)

    def checkpoint(epoch_done, is_best=False, partial_state=None):
        state = {
            'version': CHECKPOINT_VERSION, 'model': model.state_dict(), 'optimizer': optimizer.state_dict(),
            'scheduler': scheduler.state_dict(), 'scaler': scaler.state_dict() if precision == 'fp16' else None,
            'epoch': epoch_done, 'step': global_step, 'best': dict(best), 'diagnosis': diag.state(),
            'partial': partial_state,
            'rng': {'torch': torch.get_rng_state(), 'cuda': torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None},
        }
        names = ['last.pt'] + (['best.pt'] if is_best else [])
        for name in names:
            atomic_save(torch, state, os.path.join(ckpt_dir, name))
            shown_epoch = epoch_done if partial_state is None else epoch_done + 1
            emit('checkpoint', epoch=shown_epoch, step=global_step, path='checkpoints/' + name, best=name == 'best.pt')

    def finish(status, reason=None, test_metrics=True):
        test_loss = test_acc = None
        if test is not None and test_metrics:
            test_loss, test_acc = evaluate(torch, model, loss_fn, test[0], test[1], max(batch, 256), device, autocast)
        emit('end', status=status, epochs=epochs_done[0], bestEpoch=best['epoch'], bestValLoss=best['valLoss'],
             testLoss=test_loss, testAccuracy=test_acc, seconds=time.time() - t_start, reason=reason)
        return 1 if status == 'failed' else 0

    epochs_done = [start_epoch]
    last_batch_event = 0.0
    steps_total = epochs * steps_per_epoch
    run_t0 = time.time()
    steps_this_run = 0
    for epoch in range(start_epoch, epochs):
        model.train()
        t_epoch = time.time()
        order = torch.from_numpy(R.epoch_order(N, seed, epoch)).to(xtr.device)
        loss_sum, correct, seen = 0.0, 0, 0
        first = 0
        if partial and partial['epoch'] == epoch:
            loss_sum, correct, seen = partial['lossSum'], partial['correct'], partial['seen']
            first = partial['stepInEpoch']
            t_epoch -= partial.get('seconds', 0.0)
        partial = None
        lr_used = optimizer.param_groups[0]['lr']
        for s in range(first, steps_per_epoch):
            idx = order[s * batch:(s + 1) * batch]
            xb = xtr[idx].to(device, non_blocking=True)
            yb = ytr[idx].to(device, non_blocking=True)
            if augments:
                xb = augment_batch(torch, F, np, xb, augments, R.stream(seed, R.STREAM_AUGMENT, epoch, s), mean, std)
            optimizer.zero_grad(set_to_none=True)
            with autocast():
                out = model(xb)
            loss = loss_fn(out, yb)
            lv = float(loss)
            bad = diag.step(epoch + 1, lv)
            if bad:
                emit('diagnosis', **bad)
                epochs_done[0] = epoch
                return finish('failed', 'divergence: ' + bad['message'], test_metrics=False)
            scaler.scale(loss).backward()
            lr_used = optimizer.param_groups[0]['lr']
            scaler.step(optimizer)
            scaler.update()
            scheduler.step()
            global_step += 1
            steps_this_run += 1
            nb = yb.shape[0]
            loss_sum += lv * nb
            correct += correct_count(torch, out.detach(), yb)
            seen += nb
            t = time.time()
            if t - last_batch_event >= BATCH_INTERVAL:
                last_batch_event = t
                elapsed = t - run_t0
                rate = elapsed / steps_this_run
                done_steps = epoch * steps_per_epoch + s + 1
                emit('batch', step=global_step, epoch=epoch + 1, loss=loss_sum / seen, accuracy=correct / seen,
                     samplesPerSec=seen / max(t - t_epoch, 1e-9), eta=rate * (steps_total - done_steps))
            if cancel.requested and s < steps_per_epoch - 1:
                epochs_done[0] = epoch
                checkpoint(epoch, partial_state={'epoch': epoch, 'stepInEpoch': s + 1, 'lossSum': loss_sum, 'correct': correct,
                                                 'seen': seen, 'seconds': time.time() - t_epoch})
                return finish('cancelled', 'cancelled by a signal after step %d of epoch %d' % (s + 1, epoch + 1), test_metrics=False)

        train_loss, train_acc = loss_sum / seen, correct / seen
        val_loss = val_acc = None
        if val is not None:
            val_loss, val_acc = evaluate(torch, model, loss_fn, val[0], val[1], max(batch, 256), device, autocast)
        epochs_done[0] = epoch + 1
        emit('epoch', epoch=epoch + 1, loss=train_loss, accuracy=train_acc, valLoss=val_loss, valAccuracy=val_acc,
             lr=lr_used, seconds=time.time() - t_epoch)
        diagnoses = diag.epoch(epoch + 1, train_loss, train_acc, val_loss)
        for d in diagnoses:
            emit('diagnosis', **d)
        if any(d['kind'] == 'divergence' for d in diagnoses):
            checkpoint(epoch + 1)
            return finish('failed', 'divergence: ' + diagnoses[0]['message'], test_metrics=False)

        # Best: the lowest validation loss (the training loss without validation).
        key = val_loss if val_loss is not None else train_loss
        is_best = best['loss'] is None or key < best['loss']
        if is_best:
            best['loss'] = key
            best['epoch'] = epoch + 1
            best['valLoss'] = val_loss
        stop_reason = None
        if early:
            value = {'val_loss': val_loss, 'val_accuracy': val_acc, 'loss': train_loss}[monitor]
            improved = best['monitor'] is None or (value > best['monitor'] if monitor == 'val_accuracy' else value < best['monitor'])
            if improved:
                best['monitor'] = value
                best['bad'] = 0
            else:
                best['bad'] += 1
                if best['bad'] >= int(early.get('patience', 5)):
                    stop_reason = '%s did not improve for %d epochs (best %s)' % (monitor, best['bad'], fmt(best['monitor']))
        checkpoint(epoch + 1, is_best=is_best)
        if stop_reason:
            return finish('early-stopped', stop_reason)
        if cancel.requested and epoch + 1 < epochs:
            return finish('cancelled', 'cancelled by a signal at the end of epoch %d' % (epoch + 1), test_metrics=False)
    return finish('completed')


def main(argv):
    cancel = Cancel()
    cancel.install()
    if len(argv) != 2:
        emit('error', code='usage', message='usage: trainer.py RUN/job.json')
        return 1
    try:
        job = load_job(argv[1])
        return train(job, cancel)
    except Failure as f:
        emit('error', code=f.code, message=f.message)
        return 1
    except Exception as e:
        log(traceback.format_exc())
        emit('error', code='internal', message='the trainer failed unexpectedly: %s: %s (the traceback is on stderr)' % (type(e).__name__, e))
        return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
