/// Version of the cml tools and libraries, written into bundles and wire headers.
public enum CMLVersion {
    /// Bundles are served only by a build of the same major.minor. 0.2: parameter sets may ask for split-key
    /// Fourier products and rounded bootstrap-key bodies, which a 0.1 server would not honour.
    public static let current = "0.2.0"
}
