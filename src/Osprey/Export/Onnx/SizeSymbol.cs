using Osprey.Torch;
using Osprey.Torch.Tracing;

namespace Osprey.Export.Onnx;

/// <summary>
/// An input axis left symbolic in the graph (batch, height, width): the model is traced at <see cref="Base"/> and
/// again at <see cref="Base"/> + <see cref="Step"/> on this axis alone. A traced size that changes between the two is
/// computed in the graph from the input's axis, exactly for every size Base + k Step (k any integer): affine in the
/// axis (a feature map's side, a crop) or proportional to the product of the axes it changes with (a flattened H W).
/// </summary>
sealed record SizeSymbol(string Name, int Axis, long Base, long Step);

/// <summary>The second trace of one <see cref="SizeSymbol"/>: its recorder and every traced tensor's shape in it.</summary>
sealed class SizeVariant(SizeSymbol symbol, OpRecorder recorder)
{
    readonly Dictionary<Tensor, long[]> shapes = new(ReferenceEqualityComparer.Instance);

    public SizeSymbol Symbol => symbol;
    public OpRecorder Recorder => recorder;

    public void Bind(Tensor t, long[] shape) => shapes[t] = shape;

    public long[] ShapeOf(Tensor t) => shapes.TryGetValue(t, out var s) ? s : recorder.ConstantValue(t).Shape;
}
