using Osprey.Data;

namespace Osprey.Models;

/// <summary>
/// A model of the registry, as every caller runs it: a batch of images in (tensor, padding mask, sizes), a typed
/// output out. Callers that know the task hold the typed <see cref="IImageModel{TOutput}"/>; tools that run any
/// model (summaries, export) use this one.
/// </summary>
public interface IImageModel
{
    /// <summary>Runs the model (through its module call, so hooks see it); the caller disposes the output.</summary>
    IModelOutput Run(ImageBatch input);
}

/// <summary>A model whose output is a <typeparamref name="TOutput"/> in train and eval mode alike.</summary>
public interface IImageModel<out TOutput> : IImageModel where TOutput : IModelOutput
{
    new TOutput Run(ImageBatch input);

    IModelOutput IImageModel.Run(ImageBatch input) => Run(input);
}
