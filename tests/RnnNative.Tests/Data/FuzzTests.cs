using RnnNative.Data;

namespace RnnNative.Tests.Data;

/// <summary>
/// Seeded random mutations of valid IDX and CSV byte strings (raw and gzip): every outcome must be a
/// successful read or a <see cref="DataFormatException"/>, never another exception, a hang or a huge allocation.
/// </summary>
public sealed class FuzzTests
{
    private const int MutationsPerSeed = 800;

    internal static List<byte[]> IdxSeeds()
    {
        var seeds = new List<byte[]>();
        int s = 0;
        foreach (var type in Enum.GetValues<IdxElementType>())
            foreach (int[] dims in new[] { new[] { 6 }, new[] { 2, 3, 4 } })
            {
                byte[] raw = DataFiles.Idx(type, dims, DataFiles.Values(type, dims.Aggregate(1, (a, b) => a * b), ++s));
                seeds.Add(raw);
                if (dims.Length == 3) seeds.Add(DataFiles.Gzip(raw));
            }
        return seeds;
    }

    internal static List<byte[]> CsvSeeds()
    {
        string[] texts =
        [
            "0,1,2,3,4,5,6,7,8,1\n8,7,6,5,4,3,2,1,0,0\n1,1,1,1,1,1,1,1,1,2\n",
            "a,b,label\n1.5,-2e3,0\n\"3\",4,1\n",
            "t,value\n0.0,0.000000\n0.1,0.962179\n0.2,1.233563\n0.3,0.997738\n",
        ];
        var seeds = texts.Select(DataFiles.Utf8).ToList();
        seeds.AddRange(texts.Select(t => DataFiles.Gzip(DataFiles.Utf8(t))));
        return seeds;
    }

    [Fact]
    public void Mutated_idx_bytes_give_only_DataFormatException()
    {
        int n = 0;
        foreach (byte[] seed in IdxSeeds())
        {
            var rng = new Random(1000 + n++);
            for (int m = 0; m < MutationsPerSeed; m++)
            {
                byte[] bytes = Mutate(seed, rng);
                bool trickle = m % 4 == 0;
                Expect(() => IdxReader.Read(trickle ? new TrickleStream(bytes, 4096) : new MemoryStream(bytes), "fuzz.idx"), bytes);
            }
        }
    }

    [Fact]
    public void Mutated_csv_bytes_give_only_DataFormatException()
    {
        int n = 0;
        foreach (byte[] seed in CsvSeeds())
        {
            var rng = new Random(2000 + n++);
            for (int m = 0; m < MutationsPerSeed; m++)
            {
                byte[] bytes = Mutate(seed, rng);
                Expect(() => CsvDataset.Load(new MemoryStream(bytes), "fuzz.csv"), bytes);
                Expect(() => CsvDataset.LoadSeries(new MemoryStream(bytes), "fuzz.csv", steps: 2), bytes);
            }
        }
    }

    private static void Expect<T>(Func<T> read, byte[] input)
    {
        try
        {
            read();
        }
        catch (DataFormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Problem));
            Assert.StartsWith("fuzz.", e.Message);
        }
        catch (Exception e)
        {
            Assert.Fail($"{e.GetType().Name}: {e.Message} for input {Convert.ToHexString(input)}");
        }
    }

    // One to three mutations: flip a bit, set a byte, insert, delete, truncate, duplicate a chunk.
    internal static byte[] Mutate(byte[] seed, Random rng)
    {
        var bytes = new List<byte>(seed);
        int rounds = 1 + rng.Next(3);
        for (int r = 0; r < rounds; r++)
        {
            int at = bytes.Count == 0 ? 0 : rng.Next(bytes.Count);
            switch (rng.Next(6))
            {
                case 0 when bytes.Count > 0: bytes[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1 when bytes.Count > 0: bytes[at] = (byte)rng.Next(256); break;
                case 2: bytes.InsertRange(at, Enumerable.Range(0, 1 + rng.Next(4)).Select(_ => (byte)rng.Next(256))); break;
                case 3 when bytes.Count > 0: bytes.RemoveRange(at, Math.Min(1 + rng.Next(4), bytes.Count - at)); break;
                case 4: bytes.RemoveRange(at, bytes.Count - at); break;
                default:
                    int len = Math.Min(1 + rng.Next(8), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, len));
                    break;
            }
        }
        return bytes.ToArray();
    }
}
