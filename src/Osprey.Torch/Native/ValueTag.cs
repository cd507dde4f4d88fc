namespace Osprey.Torch.Native;

/// <summary>Tags of <see cref="NativeValue"/>; mirror <c>osp_tag</c> in native/osprey_native.h.</summary>
internal enum ValueTag : int
{
    None = 0,
    Tensor = 1,
    TensorList = 2,
    Int = 3,
    IntList = 4,
    Double = 5,
    DoubleList = 6,
    Bool = 7,
    BoolList = 8,
    String = 9,
    Default = 10,
    OptionalTensorList = 11,
    Object = 12,
}
