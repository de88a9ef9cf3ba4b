// The small modules the generated file defines for what torch.nn lacks. Only the ones a model
// uses are written into its file, in this order.

export type Helper = 'Subsample' | 'MaskedConv2d' | 'MaskedConv1d' | 'Merge' | 'GlobalPool' | 'Reshape';

const SUBSAMPLE = `class Subsample(nn.Module):
    """LeNet-5's subsampling: the sum over each window, times a trainable coefficient, plus a
    trainable bias, per map (2 parameters per map). The stride equals the window."""

    def __init__(self, channels, kernel_size):
        super().__init__()
        self.kernel_size = tuple(kernel_size)
        self.area = 1
        for k in self.kernel_size:
            self.area *= k
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        pool = F.avg_pool2d if x.dim() == 4 else F.avg_pool1d
        summed = pool(x, self.kernel_size) * self.area
        shape = (1, -1) + (1,) * (x.dim() - 2)
        return summed * self.weight.view(shape) + self.bias.view(shape)
`;

function maskedConv(dims: 1 | 2): string {
  const name = `MaskedConv${dims}d`;
  const example = dims === 2 ? 'Σ|connections[o]|·kh·kw weights' : 'Σ|connections[o]|·k weights';
  return `class ${name}(nn.Module):
    """A convolution in which output map o reads only the input maps in connections[o] (a
    connection table, as in LeNet-5's C3). Only the connected kernels are parameters
    (${example}, plus a bias per map): \`weight\` holds one kernel per
    connection, packed, and forward scatters them into the dense [out, in, ...kernel] weight,
    zeros elsewhere."""

    def __init__(self, in_channels, out_channels, kernel_size, connections, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = tuple(kernel_size)
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self.connections = [list(row) for row in connections]
        out_index = [o for o, row in enumerate(connections) for _ in row]
        in_index = [i for row in connections for i in row]
        self.register_buffer('out_index', torch.tensor(out_index, dtype=torch.long), persistent=False)
        self.register_buffer('in_index', torch.tensor(in_index, dtype=torch.long), persistent=False)
        self.weight = nn.Parameter(torch.empty(len(in_index), *self.kernel_size))
        self.bias = nn.Parameter(torch.empty(out_channels)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        # As nn.Conv${dims}d: uniform in ±1/sqrt(fan_in), with each map's own fan-in (the maps it reads).
        area = 1
        for k in self.kernel_size:
            area *= k
        fan_in = torch.tensor([len(row) * area for row in self.connections], dtype=torch.float)
        bound = fan_in.rsqrt()
        with torch.no_grad():
            per_link = bound[self.out_index.cpu()].view(-1, *([1] * len(self.kernel_size)))
            self.weight.uniform_(-1.0, 1.0).mul_(per_link.to(self.weight.device))
            if self.bias is not None:
                self.bias.uniform_(-1.0, 1.0).mul_(bound.to(self.bias.device))

    def dense_weight(self):
        """The full [out, in, ...kernel] weight: the connected kernels, zeros elsewhere."""
        full = self.weight.new_zeros(self.out_channels, self.in_channels, *self.kernel_size)
        return full.index_put((self.out_index, self.in_index), self.weight)

    def forward(self, x):
        return F.conv${dims}d(x, self.dense_weight(), self.bias, self.stride, self.padding, self.dilation)

    def extra_repr(self):
        links = len(self.in_index)
        return f'{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, connections={links}, stride={self.stride}, padding={self.padding}'
`;
}

const MERGE = `class Merge(nn.Module):
    """Joins parallel branches: concat along channels, or add, mul, max or avg element by element."""

    def __init__(self, mode):
        super().__init__()
        self.mode = mode

    def forward(self, *xs):
        if self.mode == 'concat':
            return torch.cat(xs, dim=1)
        out = xs[0]
        for x in xs[1:]:
            if self.mode == 'mul':
                out = out * x
            elif self.mode == 'max':
                out = torch.maximum(out, x)
            else:
                out = out + x
        return out / len(xs) if self.mode == 'avg' else out

    def extra_repr(self):
        return repr(self.mode)
`;

const GLOBAL_POOL = `class GlobalPool(nn.Module):
    """Average or maximum of each channel over all positions: C×H×W (or C×L) → C."""

    def __init__(self, mode):
        super().__init__()
        self.mode = mode

    def forward(self, x):
        x = x.flatten(2)
        return x.mean(2) if self.mode == 'avg' else x.amax(2)

    def extra_repr(self):
        return repr(self.mode)
`;

const RESHAPE = `class Reshape(nn.Module):
    """Reshapes each sample to a fixed shape (the batch axis stays)."""

    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)

    def extra_repr(self):
        return repr(self.shape)
`;

const SOURCES: Record<Helper, string> = {
  Subsample: SUBSAMPLE,
  MaskedConv2d: maskedConv(2),
  MaskedConv1d: maskedConv(1),
  Merge: MERGE,
  GlobalPool: GLOBAL_POOL,
  Reshape: RESHAPE,
};

export const HELPER_NAMES = Object.keys(SOURCES) as Helper[];

/** The Python source of the helpers used, in a fixed order. */
export function helperSources(used: ReadonlySet<Helper>): string[] {
  return HELPER_NAMES.filter((name) => used.has(name)).map((name) => SOURCES[name]);
}
