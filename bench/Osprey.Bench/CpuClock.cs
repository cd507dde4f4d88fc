using System.Runtime.InteropServices;

namespace Osprey.Bench;

/// <summary>
/// CPU time consumed by the whole process (all threads), from clock_gettime(CLOCK_PROCESS_CPUTIME_ID):
/// the same clock as Python's time.process_time(). Less disturbed than wall time when other work shares the cores.
/// </summary>
static class CpuClock
{
    const int ClockProcessCpuTimeId = 2;

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    static extern int ClockGetTime(int clock, out TimeSpec time);

    public static double ProcessMilliseconds()
    {
        if (ClockGetTime(ClockProcessCpuTimeId, out var t) != 0)
            throw new InvalidOperationException($"clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed: errno {Marshal.GetLastPInvokeError()}");
        return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
    }
}
