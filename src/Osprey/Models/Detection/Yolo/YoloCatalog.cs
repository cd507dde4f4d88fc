using Osprey.Models.Layers;
using Osprey.Torch.NN;
using static Osprey.Models.Detection.Yolo.YoloParameter;

namespace Osprey.Models.Detection.Yolo;

/// <summary>
/// The blocks a YOLO model file may name, each declared once: its parameters (ultralytics' signatures, with c1 and
/// c2 first for channel-scaled blocks), how channels bind, and how to build it. Adding a block is one entry here.
/// </summary>
public static class YoloCatalog
{
    static readonly Dictionary<string, YoloBlock> blocks = new YoloBlock[]
    {
        new("Conv", "ultralytics.nn.modules.conv.Conv", ChannelRule.ScaledOutput,
            [Positional("c1"), Positional("c2"), Optional("k", 1L), Optional("s", 1L), Optional("p", null), Optional("g", 1L),
             Optional("d", 1L), Optional("act", true)],
            (a, c) => new ConvBnAct(a.Long("c1"), a.Long("c2"), a.Bool("act") ? c.Activation : null, a.Long("k"), a.Long("s"),
                                    a.LongOrNone("p"), a.Long("g"), a.Long("d")))
        { Stride = a => a.Long("s") },

        new("Bottleneck", "ultralytics.nn.modules.block.Bottleneck", ChannelRule.ScaledOutput,
            [Positional("c1"), Positional("c2"), Optional("shortcut", true), Optional("g", 1L),
             Optional("k", new List<object?> { 3L, 3L }), Optional("e", 0.5)],
            (a, c) => new CspBottleneck(a.Long("c1"), a.Long("c2"), c.Activation, a.Bool("shortcut"), a.Long("g"), a.Pair("k"), a.Double("e"))),

        new("C2f", "ultralytics.nn.modules.block.C2f", ChannelRule.ScaledOutput,
            [Positional("c1"), Positional("c2"), Optional("n", 1L), Optional("shortcut", false), Optional("g", 1L), Optional("e", 0.5)],
            (a, c) => new C2f(a.Long("c1"), a.Long("c2"), c.Activation, a.Long("n"), a.Bool("shortcut"), a.Long("g"), a.Double("e")))
        { RepeatsAsArgument = true },

        new("C3k2", "ultralytics.nn.modules.block.C3k2", ChannelRule.ScaledOutput,
            [Positional("c1"), Positional("c2"), Optional("n", 1L), Optional("c3k", false), Optional("e", 0.5), Optional("g", 1L),
             Optional("shortcut", true)],
            (a, c) => new C3k2(a.Long("c1"), a.Long("c2"), c.Activation, a.Long("n"), a.Bool("c3k"), a.Double("e"), a.Long("g"), a.Bool("shortcut")))
        {
            RepeatsAsArgument = true,
            // ultralytics: the larger scales always use C3k units.
            Adjust = (args, scale) =>
            {
                if (scale is not ("m" or "l" or "x")) return;
                if (args.Count > 3) args[3] = true;
                else args.Add(true);
            },
        },

        new("SPPF", "ultralytics.nn.modules.block.SPPF", ChannelRule.ScaledOutput,
            [Positional("c1"), Positional("c2"), Optional("k", 5L)],
            (a, c) => new Sppf(a.Long("c1"), a.Long("c2"), c.Activation, a.Long("k"))),

        new("C2PSA", "ultralytics.nn.modules.block.C2PSA", ChannelRule.ScaledOutput,
            [Positional("c1"), Positional("c2"), Optional("n", 1L), Optional("e", 0.5)],
            (a, c) => new C2Psa(a.Long("c1"), a.Long("c2"), c.Activation, a.Long("n"), a.Double("e")))
        { RepeatsAsArgument = true },

        new("nn.Upsample", "torch.nn.modules.upsampling.Upsample", ChannelRule.SameAsInput,
            [Optional("size", null), Optional("scale_factor", null), Optional("mode", "nearest"), Optional("align_corners", null)],
            (a, _) => a.LongOrNone("size") is { } size
                ? new Upsample(size: size, mode: a.String("mode"))
                : new Upsample(scaleFactor: a.DoubleOrNone("scale_factor"), mode: a.String("mode")))
        { Stride = a => a.DoubleOrNone("scale_factor") is { } f ? 1 / f : double.NaN },

        new("Concat", "ultralytics.nn.modules.conv.Concat", ChannelRule.SumOfInputs,
            [Optional("dimension", 1L)],
            (a, _) => new Concat(a.Long("dimension"))),

        Head("Detect", (nc, ch, act) => new Detect(nc, ch, act)),
        Head("Detect_SEAM", (nc, ch, act) => new DetectSeam(nc, ch, act)),
        Head("Detect_MultiSEAM", (nc, ch, act) => new DetectMultiSeam(nc, ch, act)),
    }.ToDictionary(b => b.Name);

    static YoloBlock Head(string name, Func<long, IReadOnlyList<long>, Module<Osprey.Torch.Tensor, Osprey.Torch.Tensor>, DetectHead> create) =>
        new(name, $"ultralytics.nn.modules.head.{name}", ChannelRule.DetectionHead,
            [Optional("nc", 80L), Optional("ch", new List<object?>())],
            (a, c) => create(a.Long("nc"), a.LongList("ch"), c.Activation));

    public static IReadOnlyDictionary<string, YoloBlock> Blocks => blocks;

    public static YoloBlock Get(string name, YoloSourceLocation location) =>
        blocks.TryGetValue(name, out var block) ? block
            : throw new YoloConfigException(location, $"unknown module '{name}'; known: {string.Join(", ", blocks.Keys.Order(StringComparer.Ordinal))}");
}
