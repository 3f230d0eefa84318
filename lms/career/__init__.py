"""The career path: levels, promotion rules as versioned data, and eligibility."""
