using Osprey.Data;
using Osprey.Models.Classification;
using Osprey.Models.Layers;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Backbones;

/// <summary>
/// ResNet in torchvision's layout and state-dict names (conv1, bn1, layer1..layer4, fc), so torchvision
/// checkpoints load directly; optional SE in every block (SE-ResNet), dilation for output stride 16/8, a small
/// stem for tiny images, FrozenBatchNorm2d for detection. With a class count it is the classifier (forward gives
/// logits); without, a backbone.
/// </summary>
public sealed class ResNet : Module<Tensor, Tensor>, IBackbone, IImageModel<ClassificationOutput>, IBatchNormFoldable
{
    Conv2d conv1;
    Module<Tensor, Tensor> bn1;
    readonly ReLU relu;
    readonly MaxPool2d? maxpool;
    readonly AdaptiveAvgPool2d? avgpool;
    readonly Sequential[] stages;
    readonly Linear? fc;
    readonly long[] stageChannels, stageStrides;

    public ResNetOptions Options { get; }
    public IReadOnlyList<long> StageChannels => stageChannels;
    public IReadOnlyList<long> StageStrides => stageStrides;
    /// <summary>Channels of the last stage (512 or 2048).</summary>
    public long FeatureChannels => stageChannels[^1];

    public ResNet(ResNetOptions options)
    {
        Options = options;
        var spec = ResNetSpec.ForDepth(options.Depth);
        var dilated = options.DilatedStages;
        Func<long, Module<Tensor, Tensor>> norm = options.FrozenBatchNorm ? c => new FrozenBatchNorm2d(c) : c => new BatchNorm2d(c);
        long width = options.Width;
        if (width < 1) throw new ArgumentException($"ResNet: width {width} must be positive");
        conv1 = RegisterModule("conv1", options.SmallStem
            ? new Conv2d(options.InChannels, width, 3, 1, padding: 1, bias: false)
            : new Conv2d(options.InChannels, width, 7, 2, padding: 3, bias: false));
        bn1 = RegisterModule("bn1", norm(width));
        relu = RegisterModule("relu", new ReLU(inplace: true));
        if (!options.SmallStem) maxpool = RegisterModule("maxpool", new MaxPool2d(3, 2, 1));

        long inplanes = width, dilation = 1, stride = options.SmallStem ? 1 : 4;
        stages = new Sequential[4];
        stageChannels = new long[4];
        stageStrides = new long[4];
        for (int s = 0; s < 4; s++)
        {
            long planes = width << s;
            long blockStride = s == 0 ? 1 : 2;
            long previousDilation = dilation;
            if (s > 0 && dilated[s - 1])
            {
                dilation *= blockStride;
                blockStride = 1;
            }
            stride *= blockStride;
            stages[s] = RegisterModule($"layer{s + 1}",
                MakeStage(spec, ref inplanes, planes, spec.Layers[s], blockStride, dilation, previousDilation, options.Attention, norm));
            stageChannels[s] = inplanes;
            stageStrides[s] = stride;
        }
        if (options.NumClasses is { } classes)
        {
            if (classes < 1) throw new ArgumentException($"ResNet: class count must be positive, got {classes}");
            avgpool = RegisterModule("avgpool", new AdaptiveAvgPool2d(1));
            fc = RegisterModule("fc", new Linear(FeatureChannels, classes));
        }
        InitWeights();
    }

    static Sequential MakeStage(ResNetSpec spec, ref long inplanes, long planes, int blocks, long stride, long dilation,
                                long previousDilation, ResidualAttention attention, Func<long, Module<Tensor, Tensor>> norm)
    {
        long outplanes = planes * spec.Expansion;
        Sequential? downsample = stride != 1 || inplanes != outplanes
            ? new Sequential(new Conv2d(inplanes, outplanes, 1, stride, bias: false), norm(outplanes))
            : null;
        var stage = new Sequential();
        stage.Add(Block(spec, inplanes, planes, stride, previousDilation, downsample, attention, norm));
        inplanes = outplanes;
        for (int b = 1; b < blocks; b++) stage.Add(Block(spec, inplanes, planes, 1, dilation, null, attention, norm));
        return stage;
    }

    static Module<Tensor, Tensor> Block(ResNetSpec spec, long inplanes, long planes, long stride, long dilation,
                                        Sequential? downsample, ResidualAttention attention,
                                        Func<long, Module<Tensor, Tensor>> norm) =>
        spec.Bottleneck
            ? new Bottleneck(inplanes, planes, stride, dilation, downsample, attention, norm)
            : new BasicBlock(inplanes, planes, stride, dilation, downsample, attention, norm);

    // torchvision and timm: kaiming_normal_(fan_out, relu) for every convolution, BN weight 1 / bias 0
    // (BatchNorm2d's and FrozenBatchNorm2d's default); Linear layers keep PyTorch's default init.
    void InitWeights()
    {
        using var noGrad = Autograd.NoGrad();
        foreach (var m in Modules())
            if (m is Conv2d conv) Init.KaimingNormal(conv.Weight, mode: FanMode.FanOut, nonlinearity: "relu");
    }

    /// <summary>Folds the stem's conv1 + bn1 (the blocks and downsample Sequentials fold their own).</summary>
    public int FoldOwnBatchNorms() => this.FoldPair("conv1", ref conv1, "bn1", ref bn1) ? 1 : 0;

    /// <summary>The stem: conv1, bn1, relu and (unless small) the max-pool.</summary>
    Tensor Stem(Tensor x)
    {
        using var scope = TensorScope.Begin();
        var y = relu.Call(bn1.Call(conv1.Call(x)));
        if (maxpool != null) y = maxpool.Call(y);
        return scope.Keep(y);
    }

    public Tensor[] ForwardStages(Tensor input)
    {
        using var scope = TensorScope.Begin();
        var outputs = new Tensor[4];
        var x = Stem(input);
        for (int s = 0; s < 4; s++) x = outputs[s] = stages[s].Call(x);
        scope.Keep(outputs);
        return outputs;
    }

    public Module Module => this;

    /// <summary>The classifier's logits for a batch of same-sized images.</summary>
    public ClassificationOutput Run(ImageBatch input) => fc != null
        ? new ClassificationOutput(Call(input.Images))
        : throw new InvalidOperationException("this ResNet is a backbone (built without classes): it has no class logits");

    /// <summary>Logits (N, classes) for a classifier; the last stage's features for a backbone.</summary>
    public override Tensor Forward(Tensor input)
    {
        using var scope = TensorScope.Begin();
        var x = Stem(input);
        foreach (var stage in stages) x = stage.Call(x);
        if (fc != null) x = fc.Call(avgpool!.Call(x).Flatten(1));
        return scope.Keep(x);
    }
}
