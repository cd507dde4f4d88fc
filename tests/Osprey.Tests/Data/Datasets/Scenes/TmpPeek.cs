using Osprey.Data;
using Osprey.Data.Datasets;
using Osprey.Data.Datasets.Scenes;
using Osprey.Data.Images;
namespace Osprey.Tests.Data.Datasets.Scenes;
public class TmpPeek
{
    [Fact]
    public void Peek()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var items = FashionMnist.Train();
        var tLoad = sw.Elapsed.TotalMilliseconds; sw.Restart();
        var o = new FashionScenesOptions();
        var scenes = Enumerable.Range(0, 50).Select(i => SceneComposer.Compose(SeedMix.Generator(0, 0, i), items, o)).ToList();
        var tCompose = sw.Elapsed.TotalMilliseconds; sw.Restart();
        foreach (var s in scenes) { using var scope = TensorScope.Begin(); ImageCodec.EncodePng(Tensor.FromBytes(s.Rgb, DType.UInt8, s.Height, s.Width, 3).Permute(2, 0, 1).Contiguous()); }
        var tPng = sw.Elapsed.TotalMilliseconds; sw.Restart();
        foreach (var s in scenes) PalettePng.Encode(s.Mask, s.Width, s.Height, PalettePng.VocPalette()[..33]);
        var tMask = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var buf = new byte[256 * 256 * 3];
        for (int i = 0; i < 50; i++) SceneBackgrounds.Paint(buf, 256, 256, new Random(i));
        var tBg = sw.Elapsed.TotalMilliseconds / 50; sw.Restart();
        for (int i = 0; i < 500; i++) { using var smp = items.Get(i); smp.Image.ToBytes(); }
        var tGet = sw.Elapsed.TotalMilliseconds / 500;
        File.WriteAllText("/tmp/detdata_scenes/time.txt", $"bg {tBg} get {tGet} load {tLoad} compose {tCompose / 50} png {tPng / 50} mask {tMask / 50}");
    }
}
