namespace RnnNative.Data;

/// <summary>
/// An MNIST-format folder (MNIST, Fashion-MNIST, ...): <c>train-images-idx3-ubyte</c>,
/// <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>, each raw or
/// <c>.gz</c>, with <c>-</c> or <c>.</c> before <c>idx</c> (<c>train-images.idx3-ubyte</c>).
/// </summary>
/// <remarks>Images: (N, Rows, Cols) floats in [0, 1] (ubyte / 255). Labels: (N,) int32 in [0, Classes).</remarks>
public sealed class MnistDataset
{
    private MnistDataset(float[] images, int[] labels, int rows, int cols, int classes)
    {
        Images = images;
        Labels = labels;
        Rows = rows;
        Cols = cols;
        Classes = classes;
    }

    /// <summary>Pixels, (N, Rows, Cols) row-major, scaled to [0, 1].</summary>
    public float[] Images { get; }

    /// <summary>Class of each image, (N,).</summary>
    public int[] Labels { get; }

    /// <summary>N, the number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Pixel rows per image.</summary>
    public int Rows { get; }

    /// <summary>Pixel columns per image.</summary>
    public int Cols { get; }

    /// <summary>max(label) + 1.</summary>
    public int Classes { get; }

    /// <summary>
    /// Loads the training (<c>train-*</c>) or test (<c>t10k-*</c>) pair of <paramref name="folder"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file of the pair is missing (the message lists the names tried).</exception>
    /// <exception cref="DataFormatException">A file is malformed, or images and labels do not match.</exception>
    public static MnistDataset Load(string folder, bool train)
    {
        string prefix = train ? "train" : "t10k";
        string imagesPath = Find(folder, prefix, "images", "idx3-ubyte");
        string labelsPath = Find(folder, prefix, "labels", "idx1-ubyte");
        return FromArrays(IdxReader.Read(imagesPath), imagesPath, IdxReader.Read(labelsPath), labelsPath);
    }

    /// <summary>Checks and converts an images array (ubyte, rank 3) and a labels array (integer, rank 1).</summary>
    public static MnistDataset FromArrays(IdxArray images, string? imagesSource, IdxArray labels, string? labelsSource)
    {
        if (images.ElementType != IdxElementType.UInt8 || images.Rank != 3)
            throw new DataFormatException(imagesSource,
                $"MNIST images must be ubyte [N, rows, cols]; found {images.ElementType} [{string.Join(", ", images.Dims)}].");
        if (!IdxElementTypes.IsInteger(labels.ElementType) || labels.Rank != 1)
            throw new DataFormatException(labelsSource,
                $"MNIST labels must be integers [N]; found {labels.ElementType} [{string.Join(", ", labels.Dims)}].");
        if (labels.Dims[0] != images.Dims[0])
            throw new DataFormatException(labelsSource,
                $"{labels.Dims[0]} labels for the {images.Dims[0]} images of {imagesSource ?? "the images file"}.");
        int[] y = labels.ToInt32(labelsSource);
        int classes = CheckLabels(y, labelsSource);
        return new MnistDataset(images.ToSingle(1f / 255f), y, images.Dims[1], images.Dims[2], classes);
    }

    /// <summary>The same data as a sequence set (no copy): T = Rows steps of I = Cols pixels.</summary>
    /// <param name="classes">Number of classes (e.g. the max over train and test); null keeps <see cref="Classes"/>.</param>
    public Dataset AsDataset(int? classes = null) => new(Images, Labels, Rows, Cols, classes ?? Classes);

    private static int CheckLabels(int[] labels, string? source)
    {
        int max = -1;
        for (int n = 0; n < labels.Length; n++)
        {
            if (labels[n] < 0 || labels[n] >= Dataset.MaxClasses)
                throw new DataFormatException(source, $"label {n} is {labels[n]}, outside [0, {Dataset.MaxClasses}).");
            max = Math.Max(max, labels[n]);
        }
        return max + 1;
    }

    private static string Find(string folder, string prefix, string kind, string format)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"MNIST folder '{folder}' does not exist.");
        string[] names =
        [
            $"{prefix}-{kind}-{format}", $"{prefix}-{kind}-{format}.gz",
            $"{prefix}-{kind}.{format}", $"{prefix}-{kind}.{format}.gz",
        ];
        foreach (string name in names)
        {
            string path = Path.Combine(folder, name);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"No MNIST {prefix} {kind} file in '{folder}' (tried {string.Join(", ", names)}).");
    }
}
