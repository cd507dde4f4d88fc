using Osprey.Models.Backbones;
using Osprey.Models.Detection.Detr;
using Osprey.Models.Detection.Yolo;
using Osprey.Models.Layers;
using Osprey.Models.Segmentation;
using Osprey.Torch.NN;

namespace Osprey.Models;

/// <summary>Every model Osprey builds by name (the CLI's --model and `osprey info`).</summary>
public static class ModelRegistry
{
    static readonly List<ModelEntry> entries = Create();

    public static IReadOnlyList<ModelEntry> All => entries;

    public static ModelEntry Get(string name) =>
        entries.FirstOrDefault(e => e.Name == name)
        ?? throw new ArgumentException($"unknown model '{name}'; registered: {string.Join(", ", entries.Select(e => e.Name))}");

    public static bool Contains(string name) => entries.Any(e => e.Name == name);

    public static Module Create(string name, ModelArgs? args = null) => Get(name).Build(args);

    static List<ModelEntry> Create()
    {
        var list = new List<ModelEntry>();
        foreach (var depth in new[] { 18, 34, 50, 101, 152 })
        {
            list.Add(ResNetEntry($"resnet{depth}", depth, ResidualAttention.None, $"ResNet-{depth} (torchvision layout)"));
            list.Add(ResNetEntry($"seresnet{depth}", depth, ResidualAttention.Se(), $"SE-ResNet-{depth} (SE r=16 in every block)"));
        }
        list.Add(new ModelEntry("unet", ModelTask.Segment, "UNet with padded convolutions and BatchNorm (output = input size)",
            2, 3, 256, 64, a => new UNet(new UNetOptions { InChannels = a.InChannels ?? 3, NumClasses = a.NumClasses ?? 2, BaseChannels = a.Integer("width") ?? 64 }))
        {
            Family = "unet", Options = [new ModelOption("width", ModelOptionType.Integer, "channels of the first level, doubled at each of the four down steps (64 in the paper)")],
        });
        list.Add(new ModelEntry("unet-valid", ModelTask.Segment, "the original UNet: valid convolutions, 572 -> 388",
            2, 1, 572, 188, a => new UNet(new UNetOptions { InChannels = a.InChannels ?? 1, NumClasses = a.NumClasses ?? 2, Valid = true, BatchNorm = false })) { Family = "unet" });
        foreach (var depth in new[] { 50, 101 })
            list.Add(new ModelEntry($"pspnet-r{depth}", ModelTask.Segment, $"PSPNet on a dilated ResNet-{depth} (output stride 8), aux head on stage 3",
                150, 3, 473, 65, a => new PSPNet(new PSPNetOptions { Depth = depth, NumClasses = a.NumClasses ?? 150, InChannels = a.InChannels ?? 3 }))
            { Family = "pspnet" });
        list.Add(new ModelEntry("pspnet-r18", ModelTask.Segment, "a light PSPNet for CPUs: dilated ResNet-18 (output stride 8), head 128 and aux 64 channels",
            150, 3, 256, 65, a => new PSPNet(new PSPNetOptions
            {
                Depth = 18, NumClasses = a.NumClasses ?? 150, InChannels = a.InChannels ?? 3, HeadChannels = 128, AuxChannels = 64,
            }))
        { Family = "pspnet" });
        list.Add(DetrEntry("detr-r50", DetrOptions.R50, "DETR with a ResNet-50 (frozen BN), 6+6 transformer layers, 100 queries", 800));
        list.Add(DetrEntry("detr-r18-light", DetrOptions.LightR18,
            "a light DETR for CPUs: ResNet-18 (frozen BN), d 128, 3+3 transformer layers, 50 queries", 512));
        foreach (var (file, suffix, head, smallest) in YoloVariants)
            foreach (var scale in new[] { "n", "s", "m", "l", "x" })
                list.Add(new ModelEntry($"yolo11{scale}{suffix}", ModelTask.Detect, $"YOLO11{scale} with the {head} head ({file})",
                    80, 3, 640, smallest, a => YoloModel.FromResource(file, $"yolo11{scale}{suffix}", scale, a.NumClasses, a.InChannels ?? 3)) { Family = "yolo" });
        return list;
    }

    // MultiSEAM's P5 level needs 7x7 at stride 32, so 224 px at the least.
    static (string File, string Suffix, string Head, long Smallest)[] YoloVariants =>
    [
        ("yolo11.yaml", "", "Detect", 64),
        ("yolo11-seam.yaml", "-seam", "Detect_SEAM", 64),
        ("yolo11-multiseam.yaml", "-multiseam", "Detect_MultiSEAM", 224),
    ];

    static ModelEntry DetrEntry(string name, DetrOptions options, string description, long imageSize) =>
        new(name, ModelTask.Detect, description, 91, 3, imageSize, 64, a => a.InChannels is { } c && c != 3
            ? throw new ArgumentException($"{name} takes RGB images (3 channels), got {c}")
            : new Detr(options with
            {
                NumClasses = a.NumClasses ?? 91, Dropout = a.Number("dropout") ?? options.Dropout,
                FrozenBackboneNorm = a.Boolean("frozen_bn") ?? true,
            }))
        {
            Family = "detr",
            Options =
            [
                new ModelOption("dropout", ModelOptionType.Number, $"transformer dropout ({options.Dropout} in the paper)"),
                new ModelOption("frozen_bn", ModelOptionType.Boolean, "true: the official FrozenBatchNorm backbone, stem and layer1 frozen " +
                                "(for pretrained weights); false: trainable BatchNorm, the whole backbone at the full learning rate (from scratch)"),
            ],
        };


    static ModelEntry ResNetEntry(string name, int depth, ResidualAttention attention, string description) =>
        new(name, ModelTask.Classify, description, 1000, 3, 224, 64, a => new ResNet(new ResNetOptions
        {
            Depth = depth, NumClasses = a.NumClasses ?? 1000, InChannels = a.InChannels ?? 3, Attention = attention,
            Width = a.Integer("width") ?? 64, SmallStem = a.Boolean("small_stem") ?? SmallStemFor(a),
        }))
        { Options = ResNetOptionsDeclared, Family = "resnet" };

    // The 7x7 stride-2 stem and max-pool leave too little of an image of 64 pixels or less.
    static bool SmallStemFor(ModelArgs a) => a.ImageSize is <= 64;

    static ModelOption[] ResNetOptionsDeclared =>
    [
        new("width", ModelOptionType.Integer, "base channels (64 in the paper)"),
        new("small_stem", ModelOptionType.Boolean, "3x3 stride-1 stem without max-pool (default: on for inputs of 64 px or less)",
            a => a.ImageSize is null ? null : SmallStemFor(a) ? "true" : "false"),
    ];
}
