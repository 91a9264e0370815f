//! Geospatial commands against a real server, over RESP2 and RESP3.
//!
//! Expected values are those of the Redis documentation's Sicily examples.

use anyredis::commands::{GeoAddOptions, GeoMember, GeoSearch, GeoShape, GeoUnit, GeoWith};
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use runtime_tests::util::client;
use runtime_tests::TestResult;

const PALERMO: (f64, f64, &str) = (13.361389, 38.115556, "Palermo");
const CATANIA: (f64, f64, &str) = (15.087269, 37.502669, "Catania");

/// A RESP3 client and a RESP2 client to the same server.
fn clients(server: &RedisServer, rt: &Runtime) -> anyredis::Result<[Client; 2]> {
    Ok([
        client(&server.url(), rt)?,
        client(&format!("{}?protocol=2", server.url()), rt)?,
    ])
}

fn near(actual: f64, expected: f64, tolerance: f64) -> bool {
    (actual - expected).abs() <= tolerance
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// GEOADD (NX, XX, CH), GEOPOS, GEODIST in each unit, GEOHASH; missing members; WRONGTYPE.
pub async fn add_pos_dist_hash(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for c in clients(&server, &rt)? {
        c.cmd("FLUSHDB").query::<()>().await?;
        assert_eq!(c.geoadd("Sicily", [PALERMO, CATANIA]).await?, 2);
        let nx = GeoAddOptions::new().nx();
        assert_eq!(
            c.geoadd_options("Sicily", [(13.5, 38.0, "Palermo"), (12.5, 37.9, "Trapani")], nx)
                .await?,
            1
        );
        // Palermo stays put (not counted), Trapani moves (counted), Agrigento is new (refused).
        let xx_ch = GeoAddOptions::new().xx().ch();
        let moves = [PALERMO, (12.51, 38.01, "Trapani"), (13.58, 37.31, "Agrigento")];
        assert_eq!(c.geoadd_options("Sicily", moves, xx_ch).await?, 1);
        assert_eq!(c.zcard("Sicily").await?, 3);

        let pos = c.geopos("Sicily", ["Palermo", "Nowhere", "Trapani"]).await?;
        assert_eq!(pos.len(), 3);
        let (lon, lat) = pos[0].expect("Palermo has a position");
        assert!(near(lon, PALERMO.0, 1e-5) && near(lat, PALERMO.1, 1e-5), "{lon} {lat}");
        assert_eq!(pos[1], None);
        let (lon, lat) = pos[2].expect("Trapani has a position");
        assert!(near(lon, 12.51, 1e-5) && near(lat, 38.01, 1e-5), "{lon} {lat}");
        assert_eq!(c.geopos("missing", ["a"]).await?, [None]);

        let km = c.geodist("Sicily", "Palermo", "Catania", GeoUnit::Kilometers).await?;
        assert!(near(km.expect("both exist"), 166.2742, 1e-3), "{km:?}");
        let m = c.geodist("Sicily", "Palermo", "Catania", GeoUnit::Meters).await?;
        assert!(near(m.expect("both exist"), 166274.1516, 1e-2), "{m:?}");
        let mi = c.geodist("Sicily", "Palermo", "Catania", GeoUnit::Miles).await?;
        assert!(near(mi.expect("both exist"), 103.3182, 1e-3), "{mi:?}");
        let ft = c.geodist("Sicily", "Palermo", "Catania", GeoUnit::Feet).await?;
        assert!(near(ft.expect("both exist"), 545518.87, 1.0), "{ft:?}");
        assert_eq!(c.geodist("Sicily", "Palermo", "Nowhere", GeoUnit::Meters).await?, None);

        let hashes = c.geohash("Sicily", ["Palermo", "Catania", "Nowhere"]).await?;
        assert_eq!(
            hashes,
            [Some("sqc8b49rny0".to_owned()), Some("sqdtr74hyu0".to_owned()), None]
        );

        c.set("str", "x").await?;
        assert_eq!(c.geoadd("str", [PALERMO]).await.unwrap_err().code(), Some("WRONGTYPE"));
        let err = c.geodist("str", "a", "b", GeoUnit::Meters).await.unwrap_err();
        assert_eq!(err.code(), Some("WRONGTYPE"));
    }
    Ok(())
}

/// GEOSEARCH from a member or a position, by radius or box, ordered and counted,
/// with and without WITH* details; GEOSEARCHSTORE (STOREDIST); GEORADIUS*_RO.
pub async fn search(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for c in clients(&server, &rt)? {
        c.cmd("FLUSHDB").query::<()>().await?;
        let edges = [(12.758489, 38.788135, "edge1"), (17.241510, 38.788135, "edge2")];
        c.geoadd("Sicily", [PALERMO, CATANIA]).await?;
        c.geoadd("Sicily", edges).await?;

        let km200 = GeoShape::radius(200.0, GeoUnit::Kilometers);
        let around = GeoSearch::from_lonlat(15.0, 37.0, km200);
        let found = c.geosearch::<Vec<String>>("Sicily", around.clone().asc()).await?;
        assert_eq!(found, strings(&["Catania", "Palermo"]));
        let found = c.geosearch::<Vec<String>>("Sicily", around.clone().desc()).await?;
        assert_eq!(found, strings(&["Palermo", "Catania"]));
        let square = GeoSearch::from_lonlat(15.0, 37.0, GeoShape::rect(400.0, 400.0, GeoUnit::Kilometers)).asc();
        let found = c.geosearch::<Vec<String>>("Sicily", square.clone()).await?;
        assert_eq!(found, strings(&["Catania", "Palermo", "edge2", "edge1"]));
        let found = c
            .geosearch::<Vec<String>>("Sicily", around.clone().asc().count(1))
            .await?;
        assert_eq!(found, strings(&["Catania"]));
        assert_eq!(
            c.geosearch::<Vec<String>>("Sicily", around.clone().count_any(1))
                .await?
                .len(),
            1
        );
        let from_palermo = GeoSearch::from_member("Palermo", km200).asc();
        let found = c.geosearch::<Vec<String>>("Sicily", from_palermo).await?;
        assert_eq!(found, strings(&["Palermo", "edge1", "Catania"]));
        assert_eq!(
            c.geosearch::<Vec<String>>("missing", around.clone()).await?,
            Vec::<String>::new()
        );
        let err = c
            .geosearch::<Vec<String>>("Sicily", GeoSearch::from_member("Nowhere", km200))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("ERR"), "{err}");

        // Every detail, in the RESP2 and RESP3 forms alike.
        let full = c
            .geosearch_options::<String>("Sicily", square.clone().count(2), GeoWith::all())
            .await?;
        assert_eq!(full.len(), 2);
        let expected = [("Catania", 56.4413, CATANIA), ("Palermo", 190.4424, PALERMO)];
        for (got, (name, dist, (lon, lat, _))) in full.iter().zip(expected) {
            assert_eq!(got.member, name);
            assert!(near(got.distance.expect("WITHDIST"), dist, 1e-3), "{got:?}");
            let score = c.zscore("Sicily", name).await?.expect("member exists");
            assert_eq!(got.hash, Some(score as u64), "WITHHASH is the member's score");
            let (glon, glat) = got.coordinates.expect("WITHCOORD");
            assert!(near(glon, lon, 1e-5) && near(glat, lat, 1e-5), "{got:?}");
        }
        let dist_only = c
            .geosearch_options::<String>("Sicily", around.clone().asc(), GeoWith::new().dist())
            .await?;
        assert_eq!(dist_only[0].member, "Catania");
        assert!(near(dist_only[0].distance.expect("WITHDIST"), 56.4413, 1e-3));
        assert_eq!((dist_only[0].hash, dist_only[0].coordinates), (None, None));
        let coord_hash = c
            .geosearch_options::<String>("Sicily", around.clone().asc(), GeoWith::new().coord().hash())
            .await?;
        assert_eq!(coord_hash.len(), 2);
        assert!(coord_hash
            .iter()
            .all(|m| m.distance.is_none() && m.hash.is_some() && m.coordinates.is_some()));
        let bare: Vec<GeoMember<String>> = c
            .geosearch_options("Sicily", around.clone().asc(), GeoWith::new())
            .await?;
        assert_eq!(
            bare.iter().map(|m| m.member.as_str()).collect::<Vec<_>>(),
            ["Catania", "Palermo"]
        );
        assert!(bare[0].distance.is_none() && bare[0].hash.is_none() && bare[0].coordinates.is_none());

        assert_eq!(c.geosearchstore("near", "Sicily", around.clone()).await?, 2);
        assert_eq!(c.geopos("near", ["Catania"]).await?.len(), 1);
        assert!(
            c.geopos("near", ["Catania"]).await?[0].is_some(),
            "stored with its position"
        );
        assert_eq!(c.geosearchstore_dist("dists", "Sicily", around.clone()).await?, 2);
        let stored = c.zscore("dists", "Catania").await?.expect("stored");
        assert!(near(stored, 56.4413, 1e-3), "STOREDIST stores the distance: {stored}");

        let mut old = c
            .georadius_ro::<Vec<String>>("Sicily", 15.0, 37.0, 200.0, GeoUnit::Kilometers)
            .await?;
        old.sort();
        assert_eq!(old, strings(&["Catania", "Palermo"]));
        let old = c
            .georadiusbymember_ro::<Vec<String>>("Sicily", "Palermo", 50.0, GeoUnit::Kilometers)
            .await?;
        assert_eq!(old, strings(&["Palermo"]));
    }
    Ok(())
}
