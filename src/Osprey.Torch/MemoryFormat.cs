namespace Osprey.Torch;

/// <summary>c10::MemoryFormat, the order of a tensor's dimensions in memory (values as ATen numbers them).
/// ChannelsLast keeps an (N, C, H, W) tensor as NHWC, the layout oneDNN's convolutions run fastest on.</summary>
public enum MemoryFormat
{
    Contiguous = 0,
    Preserve = 1,
    ChannelsLast = 2,
    ChannelsLast3d = 3,
}
