namespace Osprey.Torch.NN;

/// <summary>A per-axis pair (height, width), as PyTorch's int-or-tuple arguments: <c>3</c> or <c>(1, 3)</c>.</summary>
public readonly record struct Size2(long H, long W)
{
    public static implicit operator Size2(long both) => new(both, both);
    public static implicit operator Size2((long H, long W) pair) => new(pair.H, pair.W);

    public long[] ToArray() => [H, W];
    public override string ToString() => H == W ? $"{H}" : $"({H}, {W})";
}

/// <summary>Convolution padding: explicit per-axis amounts, or "same" / "valid" as PyTorch accepts.</summary>
public readonly record struct ConvPadding
{
    public Size2 Amount { get; }
    /// <summary>"same", "valid", or null for an explicit <see cref="Amount"/>.</summary>
    public string? Mode { get; }

    ConvPadding(Size2 amount, string? mode) => (Amount, Mode) = (amount, mode);

    public static implicit operator ConvPadding(long both) => new(both, null);
    public static implicit operator ConvPadding((long H, long W) pair) => new(pair, null);
    public static implicit operator ConvPadding(Size2 amount) => new(amount, null);

    public static implicit operator ConvPadding(string mode) => mode switch
    {
        "same" or "valid" => new ConvPadding(0, mode),
        _ => throw new ArgumentException($"padding string must be 'same' or 'valid', got '{mode}'"),
    };

    public static ConvPadding Same => "same";
    public static ConvPadding Valid => "valid";

    public override string ToString() => Mode ?? Amount.ToString();
}
