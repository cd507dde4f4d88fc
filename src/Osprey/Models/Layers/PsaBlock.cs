using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// ultralytics' PSABlock: x + attn(x), then x + ffn(x) with ffn = Conv 1x1 to 2c (SiLU), Conv 1x1 back to c (no
/// activation); without shortcut the residual additions are dropped. Children attn, ffn.
/// </summary>
public sealed class PsaBlock : Module<Tensor, Tensor>
{
    readonly PositionSensitiveAttention attn;
    readonly Sequential ffn;
    readonly bool shortcut;

    public override string TypeName => "PSABlock";

    public PsaBlock(long c, Module<Tensor, Tensor>? activation, double attnRatio = 0.5, long numHeads = 4, bool shortcut = true)
    {
        attn = RegisterModule("attn", new PositionSensitiveAttention(c, numHeads, attnRatio));
        ffn = RegisterModule("ffn", new Sequential(new ConvBnAct(c, c * 2, activation, 1), new ConvBnAct(c * 2, c, null, 1)));
        this.shortcut = shortcut;
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        var y = shortcut ? x + attn.Call(x) : attn.Call(x);
        return scope.Keep(shortcut ? y + ffn.Call(y) : ffn.Call(y));
    }
}
