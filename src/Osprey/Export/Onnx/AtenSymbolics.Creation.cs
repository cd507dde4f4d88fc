using Osprey.Torch;

namespace Osprey.Export.Onnx;

/// <summary>
/// Factories whose sizes come from the input's shape (a padding mask, anchor grids, a stride column): folded to
/// constants for a fixed input, computed in the graph when their sizes change with a symbolic axis.
/// </summary>
static partial class AtenSymbolics
{
    static void AddCreation(Dictionary<string, Action<OpContext>> map)
    {
        map["zeros"] = map["empty"] = c => c.Out(Filled(c, c.IntsValue(0, []), 0));
        map["ones"] = c => c.Out(Filled(c, c.IntsValue(0, []), 1));
        map["full"] = c => c.Out(Filled(c, c.IntsValue(0, []), c.Double(1, 0)));
        map["zeros_like"] = map["empty_like"] = c => c.Out(Filled(c, c.Graph.Node1("Shape", [c.In(0)]), 0));
        map["ones_like"] = c => c.Out(Filled(c, c.Graph.Node1("Shape", [c.In(0)]), 1));
        map["full_like"] = c => c.Out(Filled(c, c.Graph.Node1("Shape", [c.In(0)]), c.Double(1, 0)));
        map["arange"] = Arange;
        map["meshgrid"] = Meshgrid;
    }

    static string Filled(OpContext c, string shape, double value) =>
        c.Graph.Node1("Expand", [c.Graph.Scalar(value, c.OutType()), shape]);

    /// <summary>arange(end) / arange(start, end) / arange(start, end, step) as Range over the result's type.</summary>
    static void Arange(OpContext c)
    {
        var g = c.Graph;
        // ONNX Runtime has no float16 Range: a half graph counts in float64 and casts the result.
        var t = g.Half && c.OutType() == DType.Float32 ? DType.Float64 : c.OutType();
        int[] positions = c.Op.Overload switch { "start_step" => [0, 1, 2], "start" => [0, 1, -1], _ => [-1, 0, -1] };
        double[] defaults = [0, 0, 1];
        var bounds = new string[3];
        for (int k = 0; k < 3; k++)
        {
            int i = positions[k];
            if (i >= 0 && IsWhole(c, i))
            {
                int arg = i;
                var value = c.IntsValueOf(call => [c.IntOf(call, arg, (long)defaults[k])]);
                bounds[k] = c.Cast(g.Node1("Squeeze", [value, g.Ints(0)]), DType.Int64, t);
            }
            else bounds[k] = g.Scalar(i >= 0 ? c.Double(i, defaults[k]) : defaults[k], t);
        }
        c.Out(c.Cast(g.Node1("Range", bounds), t, c.OutType()));
    }

    /// <summary>Whether number argument <paramref name="i"/> is an integer in the first trace (a size).</summary>
    static bool IsWhole(OpContext c, int i) => i < c.Op.Args.Length && c.Op.Args[i].Value switch { long => true, double d => d == Math.Floor(d), _ => false };

    /// <summary>meshgrid of 1-D tensors: each reshaped along its own axis and expanded to the grid; 'xy' swaps the
    /// first two axes (torch.meshgrid's Cartesian indexing).</summary>
    static void Meshgrid(OpContext c)
    {
        var g = c.Graph;
        var values = c.ListValues(0);
        int n = values.Length;
        var order = Enumerable.Range(0, n).ToArray();
        if (c.String(1, "ij") == "xy" && n >= 2) (order[0], order[1]) = (order[1], order[0]);
        var shape = g.Node1("Concat", order.Select(i => g.Node1("Shape", [values[i]])), ("axis", 0L));
        for (int position = 0; position < n; position++)
        {
            var axes = Enumerable.Repeat(1L, n).ToArray();
            axes[position] = -1;
            int input = order[position];
            c.Out(g.Node1("Expand", [g.Node1("Reshape", [values[input], g.Ints(axes)]), shape]), input);
        }
    }
}
