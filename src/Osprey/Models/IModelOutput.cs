using Osprey.Torch;

namespace Osprey.Models;

/// <summary>A typed model output that owns tensors: disposing it disposes them all.</summary>
public interface IModelOutput : IDisposable
{
    /// <summary>Every tensor the output holds (null entries left out), e.g. to sum them into a test loss.</summary>
    IEnumerable<Tensor> Tensors();
}
