using Osprey.Torch.NN;

namespace Osprey.Torch.Tracing;

/// <summary>
/// One recorded ATen call: schema name and overload, the arguments as passed (trailing schema defaults omitted),
/// the results, the output tensors (for an in-place call: its first argument) with their shapes and types then, whether it depends on a graph
/// input, and the module whose forward was running.
/// </summary>
public sealed record RecordedOp(
    string Name, string Overload, Arg[] Args, OpResult[] Results, Tensor[] Outputs, long[][] OutputShapes,
    DType[] OutputTypes, bool InPlace, bool IsDynamic, Module? Module)
{
    public string FullName => Overload.Length == 0 ? Name : $"{Name}.{Overload}";
}
