"""Writers behind :mod:`data.export`: typed columns (:mod:`.columns`), the GDAL formats
(:mod:`.gdal`: GeoPackage, FlatGeobuf, zipped Shapefile, GPX), KML/KMZ (:mod:`.kml`) and
the analysis outputs with geometry (:mod:`.cells`)."""
