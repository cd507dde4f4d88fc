using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Yolo;

/// <summary>
/// ultralytics' parse_model over a <see cref="YoloConfig"/>: for each row, looks the block up in the catalog,
/// scales repeats (round(n * depth), Python's round, when n > 1) and channels (make_divisible(min(c2, max_channels)
/// * width, 8)), binds the arguments, builds the module (n > 1 copies become a Sequential unless the block takes n
/// itself) and tracks output channels and strides. Errors name the file and line of the row.
/// </summary>
public static class YoloModelBuilder
{
    public sealed record Result(IReadOnlyList<Module> Modules, IReadOnlyList<YoloLayer> Layers, DetectHead Head);

    public static Result Build(YoloConfig config, string? scale, long? classes, long inChannels, Module<Tensor, Tensor> activation)
    {
        var multiples = Multiples(config, scale);
        var nc = classes ?? config.Classes;
        var context = new YoloBuildContext(activation, scale);
        var channels = new List<long> { inChannels };
        var strides = new List<double>();
        var modules = new List<Module>();
        var layers = new List<YoloLayer>();
        try
        {
            foreach (var row in config.Rows)
            {
                var block = YoloCatalog.Get(row.Module, row.Location);
                var isHead = block.Channels == ChannelRule.DetectionHead;
                if (isHead != (row.Index == config.Rows.Count - 1))
                    throw new YoloConfigException(row.Location, isHead ? $"{row.Module} must be the last row" : "the last row must be a detection head (Detect, Detect_SEAM, Detect_MultiSEAM)");
                var inputs = ResolveFrom(row, block);
                long Channels(int layer) => layer < 0 ? inChannels : channels[layer];
                var args = row.Arguments.Select(a => Resolve(a, nc, row.Location)).ToList();
                var repeats = row.Repeats > 1 ? Math.Max((long)Math.Round(row.Repeats * multiples.Depth, MidpointRounding.ToEven), 1) : row.Repeats;
                var shownRepeats = repeats;
                long outChannels;
                switch (block.Channels)
                {
                    case ChannelRule.ScaledOutput:
                        if (args.Count == 0 || args[0] is not long c2)
                            throw new YoloConfigException(row.Location, $"{row.Module}: the first argument must be the output channels (an integer)");
                        if (c2 != nc) c2 = (long)Math.Ceiling(Math.Min(c2, multiples.MaxChannels) * multiples.Width / 8) * 8;
                        args = [Channels(inputs[0]), c2, .. args.Skip(1)];
                        if (block.RepeatsAsArgument)
                        {
                            args.Insert(2, repeats);
                            repeats = 1;
                        }
                        block.Adjust?.Invoke(args, scale);
                        outChannels = c2;
                        break;
                    case ChannelRule.SumOfInputs:
                        outChannels = inputs.Sum(Channels);
                        break;
                    case ChannelRule.DetectionHead:
                        args.Add(inputs.Select(i => (object?)Channels(i)).ToList());
                        outChannels = 0;
                        break;
                    default:
                        outChannels = Channels(inputs[0]);
                        break;
                }
                var bound = new YoloArguments(row.Module, block.Parameters, args, row.Location);
                var module = Create(block, bound, context, repeats, row);
                modules.Add(module);
                var inStride = inputs[0] < 0 ? 1 : strides[inputs[0]];
                var stride = inStride * (block.Stride?.Invoke(bound) ?? 1);
                strides.Add(stride);
                layers.Add(new YoloLayer(row.Index, inputs, block.TakesList, row.FromIsList ? PythonLiteral.Format(row.From.Select(f => (long)f)) : row.From[0].ToString(),
                                         shownRepeats, block.TypePath, PythonLiteral.Format(args), stride));
                if (row.Index == 0) channels.Clear();
                channels.Add(outChannels);
                if (isHead) ((DetectHead)module).SetStrides(inputs.Select(i => strides[i]).ToList());
            }
        }
        catch
        {
            foreach (var m in modules) m.Dispose();
            throw;
        }
        return new Result(modules, layers, (DetectHead)modules[^1]);
    }

    static YoloScale Multiples(YoloConfig config, string? scale)
    {
        if (config.Scales.Count == 0) return config.DefaultMultiples ?? new YoloScale(1, 1, double.PositiveInfinity);
        if (scale == null) return config.Scales.First().Value; // as ultralytics: the first scale when none is named
        return config.Scales.TryGetValue(scale, out var s) ? s
            : throw new YoloConfigException(new(config.Source, 1, 1), $"no scale '{scale}'; the file defines {string.Join(", ", config.Scales.Keys)}");
    }

    /// <summary>Absolute input layer indices; -1 (the previous layer) stays -1 for the first row (the image).</summary>
    static int[] ResolveFrom(YoloRow row, YoloBlock block)
    {
        if (block.TakesList != row.FromIsList)
            throw new YoloConfigException(row.Location, block.TakesList
                ? $"{row.Module} takes several inputs: 'from' must be a list such as [-1, 6]"
                : $"{row.Module} takes one input: 'from' must be a single index");
        return row.From.Select(f =>
        {
            var absolute = f < 0 ? row.Index + f : f;
            if (f < 0 && row.Index == 0 && f == -1) return -1;
            if (absolute < 0 || absolute >= row.Index)
                throw new YoloConfigException(row.Location, $"'from' {f} of layer {row.Index} does not name an earlier layer (0..{row.Index - 1}, or -1 for the previous one)");
            return absolute;
        }).ToArray();
    }

    static object? Resolve(object? value, long nc, YoloSourceLocation location) => value switch
    {
        YoloSymbol { Name: "nc" } => nc,
        YoloSymbol s => throw new YoloConfigException(location, $"unknown name '{s.Name}' in the arguments (only nc is defined; quote strings)"),
        List<object?> list => list.Select(v => Resolve(v, nc, location)).ToList(),
        _ => value,
    };

    static Module Create(YoloBlock block, YoloArguments args, YoloBuildContext context, long repeats, YoloRow row)
    {
        try
        {
            if (repeats == 1) return block.Create(args, context);
            var copies = new Sequential();
            for (var i = 0; i < repeats; i++)
                copies.Add(block.Create(args, context) as Module<Tensor, Tensor>
                           ?? throw new YoloConfigException(row.Location, $"{row.Module} cannot be repeated (it does not map one tensor to one)"));
            return copies;
        }
        catch (ArgumentException e)
        {
            throw new YoloConfigException(row.Location, $"{row.Module}{PythonLiteral.Format(args.Positional)}: {e.Message}");
        }
    }
}
