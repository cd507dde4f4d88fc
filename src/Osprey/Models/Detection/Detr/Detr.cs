using Osprey.Data;
using Osprey.Models.Layers;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Detr;

/// <summary>
/// DETR (Carion et al., 2020): a ResNet with frozen BatchNorm gives C5 features and their padding mask; a 1x1
/// convolution projects them to d; a transformer encodes them with sine positions and decodes a fixed set of
/// learned object queries in parallel; a shared linear class head (classes + no-object) and a 3-layer MLP box
/// head (sigmoid: cx, cy, w, h normalized) read every decoder layer. Children and state-dict names are the
/// official repository's (transformer, class_embed, bbox_embed, query_embed, input_proj, backbone.0.body...,
/// backbone.1), so its checkpoints' "model" state dicts load directly.
/// </summary>
public sealed class Detr : Module<ImageBatch, DetrOutput>, IImageModel<DetrOutput>
{
    public DetrOptions Options { get; }
    public DetrTransformer Transformer { get; }
    public Linear ClassEmbed { get; }
    public Mlp BboxEmbed { get; }
    public Embedding QueryEmbed { get; }
    public Conv2d InputProj { get; }
    public DetrBackboneWithPosition Backbone { get; }

    public Detr(DetrOptions? options = null)
    {
        Options = options ??= new DetrOptions();
        options.Validate();
        long d = options.HiddenDim;
        Transformer = RegisterModule("transformer", new DetrTransformer(d, options.Heads, options.EncoderLayers,
            options.DecoderLayers, options.FeedForward, options.Dropout));
        ClassEmbed = RegisterModule("class_embed", new Linear(d, options.NumClasses + 1));
        BboxEmbed = RegisterModule("bbox_embed", new Mlp(d, d, 4, 3));
        QueryEmbed = RegisterModule("query_embed", new Embedding(options.NumQueries, d));
        var backbone = new DetrBackbone(options.BackboneDepth, options.Dilation, options.TrainBackbone, options.FrozenBackboneNorm);
        InputProj = RegisterModule("input_proj", new Conv2d(backbone.Channels, d, 1));
        Backbone = RegisterModule("backbone", new DetrBackboneWithPosition(backbone, new SinePositionEncoding(d / 2)));
    }

    public DetrOutput Run(ImageBatch input) => Call(input);

    public override DetrOutput Forward(ImageBatch batch)
    {
        if (batch.Images.Dim != 4 || batch.Images.Size(1) != 3)
            throw new ArgumentException($"DETR: images must be (N, 3, H, W), got {batch.Images.Describe()}");
        using var scope = TensorScope.Begin();
        var (features, mask, position) = Backbone.Call(batch);
        var decoded = Transformer.Call(new DetrTransformerInput(InputProj.Call(features), mask, QueryEmbed.Weight, position)).Decoded;
        var logits = ClassEmbed.Call(decoded);
        var boxes = BboxEmbed.Call(decoded).Sigmoid();
        var output = DetrOutput.FromLayers(logits, boxes, Options.AuxiliaryOutputs);
        scope.Keep(output.Logits, output.Boxes);
        foreach (var aux in output.Auxiliary) scope.Keep(aux.Logits, aux.Boxes);
        return output;
    }
}
