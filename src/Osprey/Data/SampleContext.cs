namespace Osprey.Data;

/// <summary>
/// What the loader knows about the sample it is preparing: its dataset index, the epoch, and the generator derived
/// from (seed, epoch, index), shared by the dataset wrapper and the transform that follow, so everything random about
/// the sample depends on those three numbers only (never on the worker count or thread timing).
/// </summary>
public readonly record struct SampleContext(int Index, int Epoch, Random Random);
