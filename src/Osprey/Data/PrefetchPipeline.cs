using System.Runtime.ExceptionServices;

namespace Osprey.Data;

/// <summary>
/// Builds items 0..count-1 on worker threads and hands them out in order. A semaphore bounds how many items exist
/// ahead of the consumer: a worker takes a permit before claiming the next index, the consumer returns it on Take.
/// A failure while building item b is rethrown (original type and stack) when the consumer takes b. Dispose stops the
/// workers, waits for them, and disposes every built item nobody took.
/// </summary>
internal sealed class PrefetchPipeline<T> : IDisposable where T : class, IDisposable
{
    readonly Func<int, T> build;
    readonly int count;
    readonly T?[] built;
    readonly ExceptionDispatchInfo?[] failed;
    readonly SemaphoreSlim room;
    readonly CancellationTokenSource stop = new();
    readonly object gate = new();
    readonly Thread[] threads;
    int claimed = -1;
    bool disposed;

    public PrefetchPipeline(int count, Func<int, T> build, int workers, int prefetch)
    {
        (this.count, this.build) = (count, build);
        built = new T?[count];
        failed = new ExceptionDispatchInfo?[count];
        room = new SemaphoreSlim(prefetch);
        threads = new Thread[workers];
        for (int i = 0; i < workers; i++)
        {
            threads[i] = new Thread(Work) { IsBackground = true, Name = $"osprey-loader-{i}" };
            threads[i].Start();
        }
    }

    void Work()
    {
        while (true)
        {
            try
            {
                room.Wait(stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            int index = Interlocked.Increment(ref claimed);
            if (index >= count)
            {
                room.Release(); // let the other workers see the end too
                return;
            }
            T? item = null;
            ExceptionDispatchInfo? error = null;
            try
            {
                item = build(index);
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
            lock (gate)
            {
                if (disposed)
                {
                    item?.Dispose();
                    return;
                }
                built[index] = item;
                failed[index] = error;
                Monitor.PulseAll(gate);
            }
        }
    }

    /// <summary>Item <paramref name="index"/>, waiting for it; call with 0, 1, 2, ... in order. The caller owns it.</summary>
    public T Take(int index)
    {
        T? item;
        ExceptionDispatchInfo? error;
        lock (gate)
        {
            while (built[index] == null && failed[index] == null) Monitor.Wait(gate);
            (item, error) = (built[index], failed[index]);
            (built[index], failed[index]) = (null, null);
        }
        room.Release();
        error?.Throw();
        return item!;
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
        }
        stop.Cancel();
        foreach (var thread in threads) thread.Join();
        foreach (var item in built) item?.Dispose();
        Array.Clear(built);
        room.Dispose();
        stop.Dispose();
    }
}
