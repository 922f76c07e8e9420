/// Version of the cml tools and libraries, written into bundles and wire headers.
public enum CMLVersion {
    public static let current = "0.1.0"
}
