using Osprey.Torch.NN;

namespace Osprey.Torch.Tests.NN;

/// <summary>The C# twin of golden_layers.py's Composite: every naming rule of the state dict in one model.</summary>
public sealed class Composite : Module<Tensor, Tensor>
{
    public Sequential Features { get; }
    public ModuleList<Module<Tensor, Tensor>> Blocks { get; }
    public MultiheadAttention Attn { get; }
    public ModuleDict<Module<Tensor, Tensor>> Heads { get; }
    public Embedding Embed { get; }

    public Composite()
    {
        RegisterBuffer("scale", Tensor.Ones([1]));
        RegisterBuffer("scratch", Tensor.Zeros([1]), persistent: false);
        Features = RegisterModule("features", new Sequential(new Conv2d(3, 8, 3, padding: 1, bias: false), new BatchNorm2d(8),
            new ReLU(), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(8, 16)));
        Blocks = RegisterModule("blocks", new ModuleList<Module<Tensor, Tensor>>(new LayerNorm(16), new Linear(16, 16)));
        Attn = RegisterModule("attn", new MultiheadAttention(16, 4));
        Heads = RegisterModule("heads", new ModuleDict<Module<Tensor, Tensor>>([new("cls", new Linear(16, 5)),
                                                                              new("frozen", new FrozenBatchNorm2d(4))]));
        Embed = RegisterModule("embed", new Embedding(7, 16));
    }

    /// <summary>Image [N, 3, H, W] -> class logits [N, 5], through every block.</summary>
    public override Tensor Forward(Tensor input)
    {
        using var scope = TensorScope.Begin();
        var x = Features.Call(input) * Buffer("scale")!;
        foreach (var block in Blocks) x = block.Call(x);
        var tokens = x.Unsqueeze(0);
        x = x + Attn.Call(tokens, tokens, tokens, needWeights: false).Output.Squeeze(0);
        return scope.Keep(Heads["cls"].Call(x));
    }
}
