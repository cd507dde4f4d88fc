namespace Osprey.Tests.Hostile;

/// <summary>
/// Hostile and broken files (tools/reference/write_hostile_files.py), each opened in a child process by the reader a
/// user would use: every one is refused with a message naming the file and the problem, or loaded, within a memory
/// budget (peak RSS growth; the small files 64 MB, the large ones 256 MB, where the unguarded readers took 1.2 to 4.3
/// GB) and a 60 s limit (Python loads the hash floods in 0.1 s; unguarded, ours took minutes or hung), never a crash.
/// </summary>
public class HostileFileTests(BigHostileCorpus big) : IClassFixture<BigHostileCorpus>
{
    static readonly HostileCase[] Small = HostileCorpus.Read(Path.Combine(HostileCorpus.Bounded, "manifest.json"));

    public static TheoryData<string> SmallFiles => new(Small.Select(c => c.File));

    static readonly string[] BigNames =
    [
        "hash_flood_int_keys.pt", "hash_flood_double_keys.pt", "shared_module_graph.pt", "big_tuple_key_shared.pt",
        "equal_distinct_dag_keys.pt", "nested_top_down.pt", "deflated_string_bomb.pt", "overlap_bomb.pt", "storage_bomb.pt",
        "plain_pickle_big.pkl",
    ];

    public static TheoryData<string> BigFiles => new(BigNames);

    [Fact]
    public void CorporaCoverEveryClass()
    {
        Assert.True(Small.Length >= 18, $"{Small.Length} small files");
        Assert.Equal(BigNames.Order(), big.Cases.Select(c => c.File).Order());
        Assert.Equal(["checkpoint", "image", "torch"], Small.Select(c => c.Reader).Distinct().Order());
    }

    [Theory]
    [MemberData(nameof(SmallFiles))]
    public void SmallFileIsRefusedWithinBudget(string file)
    {
        var c = Small.Single(x => x.File == file);
        Check(c, Path.Combine(HostileCorpus.Bounded, file));
    }

    [Theory]
    [MemberData(nameof(BigFiles))]
    public void LargeFileIsRefusedOrLoadedWithinBudget(string file)
    {
        var c = big.Cases.Single(x => x.File == file);
        Check(c, Path.Combine(big.Folder, file));
    }

    static void Check(HostileCase c, string path)
    {
        var r = HostileProbe.Run(c.Reader, path);
        if (c.Outcome == "loaded")
        {
            Assert.True(r.Outcome == "loaded", $"{path}: {r.Outcome} ({r.Type}: {r.Message}), expected it to load");
            HostileProbe.AssertWithin(r, c.BudgetMb);
        }
        else HostileProbe.AssertRefused(r, c.Expect, c.BudgetMb);
    }
}
