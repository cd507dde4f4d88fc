using Osprey.Data;
using Osprey.Models.Layers;
using Osprey.Models.Summary;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Yolo;

/// <summary>
/// A YOLO detection model built from an ultralytics-format file (ultralytics' DetectionModel): child <c>model</c>
/// holds the layers "0", "1", ... so state-dict keys are ultralytics' (model.0.conv.weight, ...). Layers read the
/// previous output or the outputs named by their row's 'from'; the last layer is the detection head, whose
/// <see cref="DetectionOutput"/> is returned. Every Conv of the model shares one SiLU object, as in ultralytics.
/// </summary>
public sealed class YoloModel : Module<Tensor, DetectionOutput>, IImageModel<DetectionOutput>
{
    readonly ModuleList<Module> model;
    readonly IReadOnlyList<YoloLayer> layers;
    /// <summary>Per layer, the index of the last layer (the head included) that reads its output.</summary>
    readonly int[] lastReader;

    public override string TypeName => "DetectionModel";
    public string Name { get; }
    public long InChannels { get; }
    public long NumClasses => Head.NumClasses;
    public DetectHead Head { get; }
    /// <summary>The head's strides, classes and reg_max (what <c>Loss.DetectionLoss</c> is built from).</summary>
    public DetectHeadInfo HeadInfo => Head.Info;
    public IReadOnlyList<YoloLayer> Layers => layers;
    /// <summary>The largest level stride (inputs must be multiples of it).</summary>
    public double MaxStride => Head.Strides!.Max();
    public bool IsFused { get; private set; }

    public YoloModel(YoloConfig config, string name, string? scale = null, long? numClasses = null, long inChannels = 3)
    {
        Name = name;
        InChannels = inChannels;
        var built = YoloModelBuilder.Build(config, scale, numClasses, inChannels, new SiLU(inplace: true));
        model = RegisterModule("model", new ModuleList<Module>(built.Modules));
        layers = built.Layers;
        Head = built.Head;
        lastReader = new int[layers.Count];
        foreach (var layer in layers)
            foreach (var input in layer.Inputs)
                if (input >= 0) lastReader[input] = layer.Index;
    }

    /// <summary>Builds <paramref name="resource"/> (yolo11.yaml, yolo11-seam.yaml, yolo11-multiseam.yaml) at a scale.</summary>
    public static YoloModel FromResource(string resource, string name, string scale, long? numClasses = null, long inChannels = 3) =>
        new(ReadResource(resource), name, scale, numClasses, inChannels);

    public static YoloConfig ReadResource(string resource)
    {
        var assembly = typeof(YoloModel).Assembly;
        using var stream = assembly.GetManifestResourceStream($"Osprey.Models.Detection.Yolo.Configs.{resource}")
            ?? throw new ArgumentException($"no built-in model file '{resource}'");
        using var reader = new StreamReader(stream);
        return YoloConfigReader.Parse(reader.ReadToEnd(), resource);
    }

    public DetectionOutput Run(ImageBatch input) => Call(input.Images);

    public override DetectionOutput Forward(Tensor input)
    {
        if (input.Dim != 4 || input.Size(1) != InChannels)
            throw new ArgumentException($"{Name}: expected input (N, {InChannels}, H, W), got {input.Describe()}");
        var stride = (long)MaxStride;
        if (input.Size(2) % stride != 0 || input.Size(3) % stride != 0)
            throw new ArgumentException($"{Name}: input height and width must be multiples of {stride}, got {input.Size(2)}x{input.Size(3)}");
        using var scope = TensorScope.Begin();
        var outputs = new Tensor[layers.Count - 1];
        var previous = input;
        for (var i = 0; i < layers.Count - 1; i++)
        {
            var layer = layers[i];
            previous = model[i] switch
            {
                Module<Tensor, Tensor> single => single.Call(Input(layer.Inputs[0], input, outputs)),
                Module<IReadOnlyList<Tensor>, Tensor> multi => multi.Call(layer.Inputs.Select(j => Input(j, input, outputs)).ToList()),
                var other => throw new InvalidOperationException($"layer {i} ({other.TypeName}) does not return a tensor"),
            };
            outputs[i] = previous;
            // A layer's output is freed after its last reader (ultralytics keeps only the outputs a later layer names).
            foreach (var j in layer.Inputs)
                if (j >= 0 && lastReader[j] == i && !ReferenceEquals(outputs[j], previous)) outputs[j].Dispose();
        }
        var head = layers[^1];
        var result = Head.Call(head.Inputs.Select(j => Input(j, input, outputs)).ToList());
        scope.Keep(result.RawMaps.ToArray());
        if (result.Boxes != null) scope.Keep(result.Boxes, result.Scores!);
        return result;
    }

    static Tensor Input(int layer, Tensor image, Tensor[] outputs) => layer < 0 ? image : outputs[layer];

    /// <summary>Folds every Conv block's BatchNorm into its convolution (inference only; not reversible).</summary>
    public YoloModel Fuse()
    {
        foreach (var conv in Modules().OfType<ConvBnAct>().ToList()) conv.Fuse();
        IsFused = true;
        return this;
    }

    /// <summary>The layer table rows (model.N) with their current parameter counts.</summary>
    public IReadOnlyList<LayerRow> Rows() =>
        layers.Select(l => new LayerRow(l.Index, $"model.{l.Index}", l.FromText, l.Repeats,
                                        model[l.Index].Parameters().Sum(p => p.NumEl), l.TypePath, l.ArgumentsText)).ToList();
}
