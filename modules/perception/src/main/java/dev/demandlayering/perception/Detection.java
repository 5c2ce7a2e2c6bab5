package dev.demandlayering.perception;

/** One detected object: a box in source-image pixels (x1, y1 top-left; x2, y2 bottom-right), class and score. */
public record Detection(double x1, double y1, double x2, double y2, int classId, String className, double score) {
    public double area() {
        return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    }

    public double iou(Detection o) {
        double ix = Math.max(0, Math.min(x2, o.x2) - Math.max(x1, o.x1));
        double iy = Math.max(0, Math.min(y2, o.y2) - Math.max(y1, o.y1));
        double inter = ix * iy;
        double union = area() + o.area() - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
