using Osprey.Data.Datasets.Detection;

namespace Osprey.Tests.Data.Datasets.Detection;

/// <summary>dlib's imglab XML (as its examples/faces/training.xml): boxes in pixels, labels, ignore regions, and every
/// bad line an error naming file:line and what was expected.</summary>
public class ImglabDatasetTests
{
    const string Header = "<?xml version='1.0' encoding='ISO-8859-1'?>\n<?xml-stylesheet type='text/xsl' href='image_metadata_stylesheet.xsl'?>\n";

    static string Write(TempFolder folder, string name, string images) =>
        folder.Write(name, System.Text.Encoding.Latin1.GetBytes(Header + "<dataset>\n<name>faces</name>\n<images>\n" + images + "</images>\n</dataset>\n"));

    [Fact]
    public void ReadsBoxesLabelsAndIgnoreRegions()
    {
        using var folder = new TempFolder();
        folder.CopyImage("rgb.png", "a.png");   // 14 x 10
        folder.CopyImage("rgb.png", "sub/b.png");
        var xml = Write(folder, "training.xml",
            "  <image file='a.png' width='14' height='10'>\n" +
            "    <box top='1' left='2' width='5' height='4'/>\n" +
            "    <box top='6' left='10' width='8' height='8'/>\n" +               // clipped to 14 x 10
            "    <box top='0' left='0' width='3' height='3' ignore='1'/>\n" +
            "  </image>\n" +
            "  <image file='sub/b.png'>\n" +
            "    <box top='2' left='3' width='4' height='4'><label>cat</label></box>\n" +
            "  </image>\n" +
            "  <image file='a.png'/>\n");
        var messages = new List<string>();
        var set = ImglabDataset.Open(xml, log: messages.Add);
        Assert.Equal(["cat", "object"], set.Classes);
        Assert.Equal(3, set.Count);
        var a = set.Records[0];
        Assert.Equal([2f, 1, 7, 5, 10, 6, 14, 10, 0, 0, 3, 3], a.Boxes);
        Assert.Equal([1L, 1, 1], a.Classes);
        Assert.Equal([false, false, true], a.Crowd!);
        Assert.Equal((14, 10), (a.Width, a.Height));
        Assert.Equal([3f, 2, 7, 6], set.Records[1].Boxes);
        Assert.Equal([0L], set.Records[1].Classes);
        Assert.Equal(0, set.Records[2].Count);
        Assert.Equal(folder.PathOf("sub/b.png"), set.PathOf(1));
        using var sample = set.Get(0);
        Assert.Equal([2L, 4], sample.Boxes!.Shape);   // the ignore region is for evaluation only
        Assert.Equal(3, sample.Annotations!.Count);
        Assert.Contains(messages, m => m.Contains("3 images, 4 boxes (1 ignore, evaluation only), 2 classes"));
    }

    [Fact]
    public void PairSharesTheUnionOfLabels()
    {
        using var folder = new TempFolder();
        folder.CopyImage("rgb.png", "a.png");
        var train = Write(folder, "training.xml", "  <image file='a.png'><box top='1' left='1' width='3' height='3'><label>dog</label></box></image>\n");
        var test = Write(folder, "testing.xml", "  <image file='a.png'><box top='1' left='1' width='3' height='3'/></image>\n");
        var (t, v) = ImglabDataset.OpenPair(train, test);
        Assert.Equal(["dog", "object"], t.Classes);
        Assert.Equal(t.Classes, v.Classes);
        Assert.Equal([1L], v.Records[0].Classes);
    }

    [Fact]
    public void EveryBadLineIsAnErrorNamingFileAndLine()
    {
        using var folder = new TempFolder();
        folder.CopyImage("rgb.png", "a.png");
        var xml = Write(folder, "bad.xml",
            "  <image file='a.png'>\n" +                                    // line 6
            "    <box top='1' left='x' width='3' height='3'/>\n" +          // 7: not an integer
            "    <box top='1' width='3' height='3'/>\n" +                   // 8: no left
            "    <box top='1' left='1' width='-3' height='3'/>\n" +         // 9: negative width
            "    <box top='1' left='1' width='3' height='3'><label> </label></box>\n" + // 10: empty label
            "  </image>\n" +
            "  <image file='missing.png'/>\n" +                             // 12: missing image
            "  <image/>\n" +                                                // 13: no file
            "  <image file='a.png' width='0'/>\n");                         // 14: bad width
        var e = Assert.Throws<DatasetFormatException>(() => ImglabDataset.Open(xml));
        Assert.Equal(7, e.Errors.Count);
        Assert.Contains($"{xml}:7: box left='x': expected an integer", e.Errors);
        Assert.Contains($"{xml}:8: <box> has no left attribute (expected top, left, width, height)", e.Errors);
        Assert.Contains($"{xml}:9: box width -3 and height 3: expected >= 0", e.Errors);
        Assert.Contains($"{xml}:10: empty <label>", e.Errors);
        Assert.Contains(e.Errors, m => m.StartsWith($"{xml}:12: image missing.png not found at "));
        Assert.Contains($"{xml}:13: <image> has no file attribute", e.Errors);
        Assert.Contains($"{xml}:14: image width='0': expected a positive integer", e.Errors);

        var notXml = folder.Write("broken.xml", "<dataset><images>"u8.ToArray());
        Assert.StartsWith($"{notXml}:1: not valid XML", Assert.Throws<DatasetFormatException>(() => ImglabDataset.Open(notXml)).Errors[0]);
        var wrongRoot = folder.Write("voc.xml", "<annotation><images/></annotation>"u8.ToArray());
        Assert.Contains($"{wrongRoot}:1: the root element is <annotation>, expected <dataset> (dlib imglab XML)",
                        Assert.Throws<DatasetFormatException>(() => ImglabDataset.Open(wrongRoot)).Errors);
        var noImages = folder.Write("empty.xml", "<dataset><name>x</name></dataset>"u8.ToArray());
        Assert.Contains($"{noImages}:1: no <images> element", Assert.Throws<DatasetFormatException>(() => ImglabDataset.Open(noImages)).Errors);
        Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() => ImglabDataset.Open(folder.PathOf("none.xml"))).Message);
    }
}
