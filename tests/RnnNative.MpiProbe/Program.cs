// A tiny program the MPI tests start, with and without mpirun: `dotnet RnnNative.MpiProbe.dll <scenario>`.
// Each rank prints "key[rank]: value" lines that the tests check against values they compute themselves.
using System.Diagnostics;
using System.Globalization;
using RnnNative.Distributed;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string scenario = args.Length > 0 ? args[0] : "collectives";
var comm = scenario == "singleton" ? MpiCommunicator.Initialize() : Communicator.Create();
int r = comm.Rank;
Console.WriteLine($"rank[{r}]: {r} of {comm.Size} ({comm.GetType().Name})");
switch (scenario)
{
    case "collectives": Collectives(comm); break;
    case "singleton": Singleton(comm); break;
    case "kill": KillOneRank(comm); break;
    case "quit": if (QuitOneRank(comm)) return 3; break;
    case "abort": if (QuitOneRank(comm)) comm.Abort(5); break;
    case "train": PrintParameters(comm); break;
    case "time": TimeAllReduce(comm, args.Length > 1 ? int.Parse(args[1]) : 30_000, args.Length > 2 ? int.Parse(args[2]) : 1000); break;
    default: Console.Error.WriteLine($"unknown scenario {scenario}"); return 2;
}
comm.Barrier();
Console.WriteLine($"done[{r}]: ok");
return 0;

// x_r[i] = 10·(r+1) + i; AllReduceMean, AllReduceSum (double: r+1), Broadcast of rank 0's values.
static void Collectives(ICommunicator comm)
{
    int r = comm.Rank;
    var mean = Enumerable.Range(0, 5).Select(i => 10f * (r + 1) + i).ToArray();
    comm.AllReduceMean(mean);
    Console.WriteLine($"mean[{r}]: {string.Join(' ', mean)}");
    var sum = new double[] { r + 1, 0.5 };
    comm.AllReduceSum(sum);
    Console.WriteLine($"sum[{r}]: {string.Join(' ', sum)}");
    var bcast = r == 0 ? new[] { 3.5f, -1f, 7f } : new float[3];
    comm.Broadcast(bcast);
    Console.WriteLine($"bcast[{r}]: {string.Join(' ', bcast)}");
    var slab = new float[30_000];
    comm.AllReduceMean(slab);
    long before = GC.GetAllocatedBytesForCurrentThread();
    for (int k = 0; k < 20; k++) { comm.AllReduceMean(slab); comm.Broadcast(slab); comm.AllReduceSum(sum); }
    Console.WriteLine($"allocated[{r}]: {GC.GetAllocatedBytesForCurrentThread() - before}");
}

// Without mpirun: rank 0 of 1, the collectives leave data as it is, and .NET's own signal handling still works.
static void Singleton(ICommunicator comm)
{
    var data = new[] { 1.5f, -2f, 3f };
    comm.AllReduceMean(data);
    comm.Broadcast(data);
    Console.WriteLine($"identity[{comm.Rank}]: {string.Join(' ', data)}");
    try { comm.Broadcast(data, root: 1); }
    catch (ArgumentOutOfRangeException e) { Console.WriteLine($"badroot[{comm.Rank}]: {e.ParamName}"); }
    try { ((MpiCommunicator)comm).AllReduceSum(data, new float[4]); }
    catch (ArgumentException e) { Console.WriteLine($"badlength[{comm.Rank}]: {e.Message}"); }
    try { string? s = Environment.GetEnvironmentVariable("RNNNATIVE_SURELY_UNSET"); Console.WriteLine(s!.Length); }
    catch (NullReferenceException) { Console.WriteLine($"nullref[{comm.Rank}]: caught"); }
}

// Rank 1 kills itself (SIGKILL) mid-run; the others keep all-reducing and must be stopped, not hang.
static void KillOneRank(ICommunicator comm)
{
    var slab = new float[30_000];
    var clock = Stopwatch.StartNew();
    for (int step = 0; clock.Elapsed < TimeSpan.FromSeconds(60); step++)
    {
        if (step == 20 && comm.Rank == 1) { Console.WriteLine("killing[1]: now"); Console.Out.Flush(); Process.GetCurrentProcess().Kill(); }
        comm.AllReduceMean(slab);
    }
    Console.WriteLine($"survived[{comm.Rank}]: 60 s of all-reduces after a rank died");
}

// One short line per parameter: mpirun forwards long lines of two ranks in interleaved pieces.
static void PrintParameters(ICommunicator comm)
{
    var parameters = RnnNative.MpiProbe.TinyTraining.Run(comm);
    for (int i = 0; i < parameters.Length; i++) Console.WriteLine($"param[{comm.Rank}]: {i} {parameters[i]:R}");
}

// Rank 1 leaves the loop after 20 steps (then exits with code 3, or calls Abort(5) in the "abort" scenario).
static bool QuitOneRank(ICommunicator comm)
{
    var slab = new float[30_000];
    var clock = Stopwatch.StartNew();
    for (int step = 0; clock.Elapsed < TimeSpan.FromSeconds(60); step++)
    {
        if (step == 20 && comm.Rank == 1) { Console.WriteLine("quitting[1]: now"); return true; }
        comm.AllReduceMean(slab);
    }
    Console.WriteLine($"survived[{comm.Rank}]: 60 s of all-reduces after a rank quit");
    return false;
}

// Median, 90th percentile and mean time of one AllReduceMean of n floats over `calls` calls (after 20 warm-up calls).
static void TimeAllReduce(ICommunicator comm, int n, int calls)
{
    var slab = new float[n];
    for (int k = 0; k < 20; k++) comm.AllReduceMean(slab);
    var times = new double[calls];
    for (int k = 0; k < times.Length; k++)
    {
        long start = Stopwatch.GetTimestamp();
        comm.AllReduceMean(slab);
        times[k] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }
    Array.Sort(times);
    Console.WriteLine($"allreduce[{comm.Rank}]: n={n} median={times[times.Length / 2]:F1}us p90={times[times.Length * 9 / 10]:F1}us mean={times.Average():F1}us");
}
