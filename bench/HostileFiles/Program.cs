using HostileFiles;

// Opens untrusted files the way Osprey's users do, measuring what each costs. Used by the hostile-file tests
// (one child process per file) and for the fuzz run (bench/fuzz.sh).
//   probe READER FILE                 one JSON line: outcome, exception type, message, peak RSS growth (MB), milliseconds
//   fuzz --kind checkpoint|image|image-region [--cases N] [--seed S] [--timeout-s T]   supervised seeded mutations; prints a markdown section
//   fuzz-worker ...                   (started by fuzz) runs the cases in this process, one line per case
//   fuzz-case KIND SEED INDEX PATH    writes one case's mutated file, to replay it with probe
// READER: torch (TorchLoad.Load), state-dict (TorchLoad.LoadStateDict), checkpoint (TrainingCheckpoint.Load),
//         image (ImageCodec.Read), image-region (ImageCodec.ReadRegion, the central quarter), folder (ImageFolderDataset, then every image).
return args switch
{
    ["probe", var reader, var file] => Probe.Run(reader, file),
    ["fuzz", .. var rest] => Fuzz.Supervise(FuzzOptions.Parse(rest)),
    ["fuzz-worker", .. var rest] => Fuzz.Work(FuzzOptions.Parse(rest)),
    ["fuzz-case", var kind, var seed, var index, var path] => Fuzz.WriteCase(kind, int.Parse(seed), int.Parse(index), path),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: HostileFiles probe READER FILE | fuzz --kind checkpoint|image|image-region [--cases N] [--seed S] [--timeout-s T]");
    return 2;
}
