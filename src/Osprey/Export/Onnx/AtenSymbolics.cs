using Osprey.Torch;

namespace Osprey.Export.Onnx;

/// <summary>
/// ATen operator -> ONNX operators (opset 17), one converter per schema name, as torch.onnx's symbolic functions
/// map them. Converters see only calls that depend on the input; every other call is folded to a constant.
/// Arithmetic follows ATen's type promotion by casting each operand to the call's recorded result type.
/// </summary>
static partial class AtenSymbolics
{
    static readonly Dictionary<string, Action<OpContext>> converters = Build();

    public static bool TryGet(string name, out Action<OpContext> converter) => converters.TryGetValue(name, out converter!);

    static Dictionary<string, Action<OpContext>> Build()
    {
        var map = new Dictionary<string, Action<OpContext>>(StringComparer.Ordinal);
        AddElementwise(map);
        AddNeuralNet(map);
        AddShape(map);
        AddCreation(map);
        return map;
    }

    static void AddElementwise(Dictionary<string, Action<OpContext>> map)
    {
        foreach (var (aten, onnx) in new[]
                 {
                     ("relu", "Relu"), ("relu_", "Relu"), ("sigmoid", "Sigmoid"), ("sigmoid_", "Sigmoid"), ("tanh", "Tanh"),
                     ("exp", "Exp"), ("log", "Log"), ("sqrt", "Sqrt"), ("neg", "Neg"), ("abs", "Abs"), ("erf", "Erf"),
                     ("sin", "Sin"), ("cos", "Cos"), ("atan", "Atan"), ("floor", "Floor"), ("ceil", "Ceil"),
                     ("reciprocal", "Reciprocal"), ("sign", "Sign"), ("round", "Round"), ("logical_not", "Not"),
                     ("softplus", "Softplus"), ("hardswish", "HardSwish"),
                 })
            map[aten] = c => c.Out(c.Graph.Node1(onnx, [c.In(0)]));
        map["rsqrt"] = c => c.Out(c.Graph.Node1("Reciprocal", [c.Graph.Node1("Sqrt", [c.In(0)])]));
        map["square"] = c => c.Out(c.Graph.Node1("Mul", [c.In(0), c.In(0)]));
        map["log1p"] = c => c.Out(c.Graph.Node1("Log", [c.Graph.Node1("Add", [c.In(0), c.Graph.Scalar(1, c.TypeOf(0))])]));
        map["silu"] = map["silu_"] = c => c.Out(c.Graph.Node1("Mul", [c.In(0), c.Graph.Node1("Sigmoid", [c.In(0)])]));
        map["mish"] = c => c.Out(c.Graph.Node1("Mul", [c.In(0), c.Graph.Node1("Tanh", [c.Graph.Node1("Softplus", [c.In(0)])])]));
        map["hardsigmoid"] = c => c.Out(c.Graph.Node1("HardSigmoid", [c.In(0)], ("alpha", 1.0f / 6), ("beta", 0.5f)));
        map["leaky_relu"] = map["leaky_relu_"] = c => c.Out(c.Graph.Node1("LeakyRelu", [c.In(0)], ("alpha", (float)c.Double(1, 0.01))));
        map["hardtanh"] = map["hardtanh_"] = c => c.Out(c.Graph.Node1("Clip",
            [c.In(0), c.Graph.Scalar(c.Double(1, -1), c.TypeOf(0)), c.Graph.Scalar(c.Double(2, 1), c.TypeOf(0))]));
        map["clamp"] = map["clamp_"] = c => c.Out(c.Graph.Node1("Clip",
            [c.In(0), c.Has(1) ? c.TensorOrScalar(1, c.TypeOf(0)) : "", c.Has(2) ? c.TensorOrScalar(2, c.TypeOf(0)) : ""]));
        map["gelu"] = Gelu;

        foreach (var (aten, onnx) in new[] { ("add", "Add"), ("sub", "Sub"), ("mul", "Mul"), ("div", "Div"), ("maximum", "Max"), ("minimum", "Min") })
        {
            map[aten] = map[aten + "_"] = c => Binary(c, onnx);
        }
        map["rsub"] = c =>
        {
            var t = c.OutType();
            var self = Scaled(c, c.Cast(c.In(0), c.TypeOf(0), t), c.Double(2, 1), t);
            c.Out(c.Graph.Node1("Sub", [c.TensorOrScalar(1, t), self]));
        };
        map["pow"] = c => c.Out(c.Graph.Node1("Pow", [c.Cast(c.In(0), c.TypeOf(0), c.OutType()), c.TensorOrScalar(1, c.OutType())]));
        foreach (var (aten, onnx) in new[] { ("eq", "Equal"), ("gt", "Greater"), ("lt", "Less"), ("ge", "GreaterOrEqual"), ("le", "LessOrEqual") })
            map[aten] = c => Compare(c, onnx, negate: false);
        map["ne"] = c => Compare(c, "Equal", negate: true);
        map["logical_and"] = c => c.Out(c.Graph.Node1("And", [c.In(0), c.In(1)]));
        map["logical_or"] = c => c.Out(c.Graph.Node1("Or", [c.In(0), c.In(1)]));
        map["where"] = c => c.Out(c.Graph.Node1("Where", [c.In(0), c.TensorOrScalar(1, c.OutType()), c.TensorOrScalar(2, c.OutType())]));
        map["masked_fill"] = map["masked_fill_"] = c =>
            c.Out(c.Graph.Node1("Where", [c.In(1), c.TensorOrScalar(2, c.OutType()), c.In(0)]));
        map["lerp"] = c =>
        {
            var t = c.OutType();
            var delta = c.Graph.Node1("Sub", [c.TensorOrScalar(1, t), c.In(0)]);
            c.Out(c.Graph.Node1("Add", [c.In(0), c.Graph.Node1("Mul", [delta, c.TensorOrScalar(2, t)])]));
        };
    }

    /// <summary>add/sub(self, other, alpha) and mul/div (div with rounding_mode floor or trunc).</summary>
    static void Binary(OpContext c, string onnx)
    {
        var t = c.OutType();
        var self = c.TensorOrScalar(0, t);
        var other = c.TensorOrScalar(1, t);
        if (onnx is "Add" or "Sub") other = Scaled(c, other, c.Double(2, 1), t);
        var result = c.Graph.Node1(onnx, [self, other]);
        if (onnx == "Div" && c.Op.Overload == "Tensor_mode" && c.String(2, "") is var mode and ("floor" or "trunc"))
            result = mode == "floor" ? c.Graph.Node1("Floor", [result])
                : c.Graph.Node1("Mul", [c.Graph.Node1("Sign", [result]), c.Graph.Node1("Floor", [c.Graph.Node1("Abs", [result])])]);
        c.Out(result);
    }

    static string Scaled(OpContext c, string value, double alpha, DType t) =>
        alpha == 1 ? value : c.Graph.Node1("Mul", [value, c.Graph.Scalar(alpha, t)]);

    static void Compare(OpContext c, string onnx, bool negate)
    {
        var t = c.TypeOf(0);
        if (c.OptionalTensor(1) is { } other && other.DType.IsFloatingPoint() && !t.IsFloatingPoint()) t = c.Graph.TypeOf(other);
        var result = c.Graph.Node1(onnx, [c.Cast(c.In(0), c.TypeOf(0), t), c.TensorOrScalar(1, t)]);
        c.Out(negate ? c.Graph.Node1("Not", [result]) : result);
    }

    /// <summary>GELU, exact (x/2 (1 + erf(x/sqrt 2))) or tanh-approximated; opset 17 has no Gelu operator.</summary>
    static void Gelu(OpContext c)
    {
        var g = c.Graph;
        var t = c.TypeOf(0);
        var x = c.In(0);
        string inner;
        if (c.String(1, "none") == "tanh")
        {
            var cube = g.Node1("Mul", [x, g.Node1("Mul", [x, x])]);
            var poly = g.Node1("Add", [x, g.Node1("Mul", [cube, g.Scalar(0.044715, t)])]);
            inner = g.Node1("Tanh", [g.Node1("Mul", [poly, g.Scalar(Math.Sqrt(2 / Math.PI), t)])]);
        }
        else inner = g.Node1("Erf", [g.Node1("Div", [x, g.Scalar(Math.Sqrt(2), t)])]);
        var onePlus = g.Node1("Add", [inner, g.Scalar(1, t)]);
        c.Out(g.Node1("Mul", [g.Node1("Mul", [x, g.Scalar(0.5, t)]), onePlus]));
    }
}
