using Osprey.Data;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Detr;

/// <summary>
/// The official Joiner ("backbone"): child "0" the <see cref="DetrBackbone"/>, child "1" the positional
/// encoding of its masked feature map (no parameters).
/// </summary>
public sealed class DetrBackboneWithPosition : Module<ImageBatch, DetrFeatures>
{
    public DetrBackbone Backbone { get; }
    public SinePositionEncoding Position { get; }

    public DetrBackboneWithPosition(DetrBackbone backbone, SinePositionEncoding position)
    {
        Backbone = RegisterModule("0", backbone);
        Position = RegisterModule("1", position);
    }

    public override DetrFeatures Forward(ImageBatch batch)
    {
        using var scope = TensorScope.Begin();
        var (features, mask) = Backbone.Call(batch);
        var position = Position.Call(mask).To(features.DType);
        return new DetrFeatures(scope.Keep(features), scope.Keep(mask), scope.Keep(position));
    }
}
