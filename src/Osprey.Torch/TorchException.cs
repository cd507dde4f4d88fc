namespace Osprey.Torch;

/// <summary>A libtorch operation failed, or a tensor was used wrongly (after Dispose, wrong dtype).</summary>
public sealed class TorchException(string message) : Exception(message);
