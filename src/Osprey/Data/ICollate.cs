namespace Osprey.Data;

/// <summary>
/// Turns one batch's transformed samples into a <see cref="Batch"/>: <see cref="StackCollate"/> for images of one
/// size, <see cref="PadCollate"/> for images of different sizes (DETR). Tensors are made in the caller's scope.
/// </summary>
public interface ICollate
{
    Batch Collate(int number, int[] indices, Sample[] samples);
}
