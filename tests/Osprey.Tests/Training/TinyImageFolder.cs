using Osprey.Data.Images;
using Osprey.Tests.Data;

namespace Osprey.Tests.Training;

/// <summary>
/// A generated ImageNet-style folder (train/ and val/) with an obvious class signal: 16x16 RGB images whose class is
/// where a bright square sits (top-left, top-right, bottom), over low noise. val/ holds the same images as train/, so
/// validation accuracy is training accuracy.
/// </summary>
public sealed class TinyImageFolder : IDisposable
{
    public static readonly string[] Classes = ["bottom", "top-left", "top-right"];
    readonly TempFolder folder = new();

    public TinyImageFolder(int perClass = 6, int seed = 1)
    {
        var random = new Random(seed);
        for (int c = 0; c < Classes.Length; c++)
            for (int i = 0; i < perClass; i++)
            {
                var pixels = new byte[3 * 16 * 16];
                for (int ch = 0; ch < 3; ch++)
                    for (int y = 0; y < 16; y++)
                        for (int x = 0; x < 16; x++)
                        {
                            bool lit = c switch { 0 => y >= 9, 1 => y < 7 && x < 7, _ => y < 7 && x >= 9 };
                            pixels[(ch * 16 + y) * 16 + x] = (byte)((lit ? 200 : 30) + random.Next(0, 40));
                        }
                using var scope = TensorScope.Begin();
                var png = ImageCodec.EncodePng(Tensor.FromBytes(pixels, DType.UInt8, 3, 16, 16));
                folder.Write($"train/{Classes[c]}/{i:D2}.png", png);
                folder.Write($"val/{Classes[c]}/{i:D2}.png", png);
            }
    }

    public string Root => folder.Root;
    public string PathOf(string relative) => folder.PathOf(relative);
    public void Dispose() => folder.Dispose();
}
