using Osprey.Data;
using Osprey.Models.Layers;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Segmentation;

/// <summary>How to build a UNet. Valid: the paper's unpadded convolutions (572 -> 388) with cropped skips.</summary>
public sealed record UNetOptions
{
    public long InChannels { get; init; } = 3;
    public long NumClasses { get; init; } = 2;
    public bool Valid { get; init; }
    public bool BatchNorm { get; init; } = true;
    public long BaseChannels { get; init; } = 64;
}

/// <summary>
/// UNet (Ronneberger et al.): four down steps (2x2 max-pool + double 3x3 conv, channels 64-128-256-512-1024),
/// four up steps (2x2 transposed convolution halving the channels, skip concatenated on channels, double conv),
/// 1x1 output convolution. Children inc, down1..4, up1..4, outc as the widely used PyTorch UNet names them.
/// </summary>
public sealed class UNet : Module<Tensor, SegmentationOutput>, IImageModel<SegmentationOutput>
{
    readonly DoubleConv inc;
    readonly Down[] downs;
    readonly Up[] ups;
    readonly OutConv outc;

    public UNetOptions Options { get; }

    public UNet(UNetOptions options)
    {
        Options = options;
        long c = options.BaseChannels;
        bool valid = options.Valid, bn = options.BatchNorm;
        inc = RegisterModule("inc", new DoubleConv(options.InChannels, c, valid, bn));
        downs = new Down[4];
        for (int k = 0; k < 4; k++) downs[k] = RegisterModule($"down{k + 1}", new Down(c << k, c << (k + 1), valid, bn));
        ups = new Up[4];
        for (int k = 0; k < 4; k++) ups[k] = RegisterModule($"up{k + 1}", new Up(c << (4 - k), c << (3 - k), valid, bn));
        outc = RegisterModule("outc", new OutConv(c, options.NumClasses));
    }

    /// <summary>The output size for an input side length, or an exception saying why that size cannot work.</summary>
    public long OutputSize(long inputSize)
    {
        if (!Options.Valid)
        {
            if (inputSize % 16 != 0)
                throw new ArgumentException($"UNet: input size {inputSize} must be divisible by 16 (four 2x2 poolings)");
            return inputSize;
        }
        long s = inputSize - 4;
        for (int k = 0; k < 4; k++)
        {
            if (s <= 0 || s % 2 != 0)
                throw new ArgumentException($"UNet (valid): input size {inputSize} gives an odd or empty map ({s}) before pooling {k + 1}; " +
                                            "valid sizes are 16k + 124 (e.g. 572)");
            s = s / 2 - 4;
        }
        for (int k = 0; k < 4; k++) s = s * 2 - 4;
        if (s <= 0) throw new ArgumentException($"UNet (valid): input size {inputSize} is too small");
        return s;
    }

    public SegmentationOutput Run(ImageBatch input) => Call(input.Images);

    public override SegmentationOutput Forward(Tensor input)
    {
        OutputSize(input.Size(2));
        OutputSize(input.Size(3));
        using var scope = TensorScope.Begin();
        var skips = new Tensor[5];
        skips[0] = inc.Call(input);
        for (int k = 0; k < 4; k++) skips[k + 1] = downs[k].Call(skips[k]);
        var x = skips[4];
        for (int k = 0; k < 4; k++)
        {
            var y = ups[k].Call((x, skips[3 - k]));
            x.Dispose();   // the deeper map and the skip it met are read no more: free them before the next level
            skips[3 - k].Dispose();
            x = y;
        }
        return new SegmentationOutput(scope.Keep(x.Through(outc)), null);
    }

    sealed class Down : Module<Tensor, Tensor>
    {
        readonly Sequential maxpoolConv;

        public Down(long inChannels, long outChannels, bool valid, bool bn) =>
            maxpoolConv = RegisterModule("maxpool_conv", new Sequential(new MaxPool2d(2), new DoubleConv(inChannels, outChannels, valid, bn)));

        public override Tensor Forward(Tensor x) => maxpoolConv.Call(x);
    }

    sealed class Up : Module<(Tensor Deep, Tensor Skip), Tensor>
    {
        readonly ConvTranspose2d up;
        readonly DoubleConv conv;

        public Up(long inChannels, long outChannels, bool valid, bool bn)
        {
            up = RegisterModule("up", new ConvTranspose2d(inChannels, inChannels / 2, 2, stride: 2));
            conv = RegisterModule("conv", new DoubleConv(inChannels, outChannels, valid, bn));
        }

        public override Tensor Forward((Tensor Deep, Tensor Skip) input)
        {
            using var scope = TensorScope.Begin();
            var x = up.Call(input.Deep);
            var skip = CenterCrop(input.Skip, x.Size(2), x.Size(3));
            return scope.Keep(Tensor.Cat([skip, x], 1).Through(conv));
        }

        static Tensor CenterCrop(Tensor t, long h, long w)
        {
            long top = (t.Size(2) - h) / 2, left = (t.Size(3) - w) / 2;
            return t.Narrow(2, top, h).Narrow(3, left, w);
        }
    }

    sealed class OutConv : Module<Tensor, Tensor>
    {
        public Conv2d Conv { get; }

        public OutConv(long inChannels, long classes) => Conv = RegisterModule("conv", new Conv2d(inChannels, classes, 1));

        public override Tensor Forward(Tensor x) => Conv.Call(x);
    }
}
