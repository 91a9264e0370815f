//! The sweep: a call of every typed method, recorded (not sent), for the
//! agreement test in the parent module.

use std::time::Duration;
use std::time::UNIX_EPOCH;

use super::super::*;
use super::{ms, Recorder};

/// Calls a broad sweep of typed methods: every blocking and dedicated one, and
/// the shared ones of every family.
pub(super) fn sweep(r: &Recorder) {
    type S = String;
    let k = ["a", "b"];
    let hour = Duration::from_secs(3600);
    let at = UNIX_EPOCH + Duration::from_millis(1_700_000_000_500);

    // Blocking, with timeouts of every shape.
    for t in [Duration::ZERO, Duration::from_nanos(1), ms(9), ms(10), ms(1500), hour] {
        r.blpop::<Option<(String, S)>>(k, t);
        r.brpop::<Option<(String, S)>>(k, t);
        r.brpoplpush::<Option<S>>("a", "b", t);
        r.blmove::<Option<S>>("a", "b", Side::Right, Side::Left, t);
        r.blmpop::<Option<(String, Vec<S>)>>(k, Side::Right, 3, t);
        r.bzpopmin::<Option<(S, S, f64)>>(k, t);
        r.bzpopmax::<Option<(S, S, f64)>>(k, t);
        r.bzmpop::<Option<(S, Vec<(S, f64)>)>>(t, k, MinMax::Min, 2);
        r.xread_options::<Vec<(S, S)>>(k, ["$", "$"], XReadOptions::new().block(t));
        let group = XReadGroupOptions::new().count(3).block(t);
        r.xreadgroup_options::<Vec<(S, S)>>("g", "c", k, [">", ">"], group);
        r.debug_sleep(t);
        r.wait(2, t);
        r.waitaof(0, 1, t);
    }

    // Dedicated.
    r.select(3);
    r.watch(k);
    r.unwatch();
    r.multi();
    r.exec::<Option<Vec<S>>>();
    r.discard();
    r.client_setname("me");
    r.client_tracking(Tracking::off());
    r.client_caching(false);
    r.client_no_evict(false);
    r.client_no_touch(false);
    r.readonly();
    r.readwrite();
    r.asking();
    r.reset();
    r.auth("p");
    r.auth_user("u", "p");

    // Strings.
    r.append("k", "v");
    r.decr("k");
    r.decrby("k", 2);
    r.get::<S>("k");
    r.getdel::<S>("k");
    r.getex::<S>("k", Expiry::Px(ms(1)));
    r.getex::<S>("k", Expiry::ExAt(at));
    r.getrange::<S>("k", 0, -1);
    r.getset::<S>("k", "v");
    r.incr("k");
    r.incrby("k", 3);
    r.incrbyfloat("k", 1.5);
    r.lcs::<S>("a", "b");
    r.lcs_len("a", "b");
    r.mget::<Vec<S>>(k);
    r.mset([("a", 1), ("b", 2)]);
    r.msetnx([("a", 1)]);
    r.psetex("k", ms(1), "v");
    r.set("k", "v");
    r.set_options("k", "v", SetOptions::new().nx().ex(ms(1500)));
    r.set_get::<Option<S>>("k", "v", SetOptions::new().pxat(at));
    r.setex("k", ms(500), "v");
    r.setnx("k", "v");
    r.setrange("k", 1, "v");
    r.strlen("k");
    r.substr::<S>("k", 0, 1);

    // Keys.
    r.del(k);
    r.unlink(k);
    r.exists(k);
    r.touch(k);
    r.key_type("k");
    r.keys::<Vec<S>>("*");
    r.scan::<(u64, Vec<S>)>(0, ScanOptions::new());
    r.randomkey::<Option<S>>();
    r.rename("a", "b");
    r.renamenx("a", "b");
    r.copy("a", "b");
    r.copy_options("a", "b", CopyOptions::new().replace());
    r.move_key("k", 1);
    r.dump("k");
    r.restore("k", "payload");
    r.restore_options("k", "p", RestoreOptions::new().ttl(ms(1)).idle_time(ms(1)));
    r.expire("k", ms(900));
    r.expire_if("k", hour, ExpireCondition::Gt);
    r.pexpire("k", Duration::from_micros(1));
    r.pexpire_if("k", ms(5), ExpireCondition::Nx);
    r.expire_at("k", at);
    r.expire_at_if("k", at, ExpireCondition::Xx);
    r.pexpire_at("k", at);
    r.pexpire_at_if("k", at, ExpireCondition::Lt);
    r.persist("k");
    r.ttl("k");
    r.pttl("k");
    r.expire_time("k");
    r.pexpire_time("k");
    r.sort::<Vec<S>>("k", SortOptions::new().alpha());
    r.sort_store("k", "d", SortOptions::new());
    r.sort_ro::<Vec<S>>("k", SortOptions::new());
    r.object_encoding("k");
    r.object_freq("k");
    r.object_idletime("k");
    r.object_refcount("k");
    r.migrate("127.0.0.1", 6380, 0, ms(1), k, MigrateOptions::new());

    // Lists.
    r.lpush("l", [1, 2]);
    r.lpushx("l", 1);
    r.rpush("l", 1);
    r.rpushx("l", 1);
    r.lpop::<Option<S>>("l");
    r.lpop_count::<Vec<S>>("l", 2);
    r.rpop::<Option<S>>("l");
    r.rpop_count::<Vec<S>>("l", 2);
    r.llen("l");
    r.lrange::<Vec<S>>("l", 0, -1);
    r.lindex::<Option<S>>("l", 0);
    r.lset("l", 0, "v");
    r.linsert("l", InsertPosition::Before, "p", "v");
    r.lrem("l", 0, "v");
    r.ltrim("l", 0, 1);
    r.lpos("l", "v");
    r.lpos_options("l", "v", LposOptions::new().rank(1));
    r.lpos_count("l", "v", 2, LposOptions::new());
    r.lmove::<Option<S>>("a", "b", Side::Left, Side::Left);
    r.rpoplpush::<Option<S>>("a", "b");
    r.lmpop::<Option<(String, Vec<S>)>>(k, Side::Left, 1);

    // Hashes, sets, sorted sets, hyperloglog.
    r.hset("h", "f", "v");
    r.hget::<Option<S>>("h", "f");
    r.hgetall::<Vec<(S, S)>>("h");
    r.hdel("h", ["f"]);
    r.hincrby("h", "f", 1);
    r.sadd("s", [1, 2]);
    r.smembers::<Vec<S>>("s");
    r.sintercard_limit(k, 3);
    r.spop::<Option<S>>("s");
    r.zadd("z", [(1.0, "a")]);
    r.zrange::<Vec<S>>("z", ZRange::rank(0, -1));
    r.zpopmin::<Vec<(S, f64)>>("z", 1);
    r.zmpop::<Option<(S, Vec<(S, f64)>)>>(k, MinMax::Min, 1);
    r.zscore("z", "a");
    r.pfadd("p", ["a"]);
    r.pfcount(["p"]);

    // Streams.
    r.xadd("s", [("f", "v")]);
    r.xlen("s");
    r.xrange::<Vec<(S, S)>>("s", "-", "+");
    r.xread::<Vec<(S, S)>>(["s"], ["0"]);
    r.xreadgroup::<Vec<(S, S)>>("g", "c", ["s"], [">"]);
    r.xack("s", "g", ["1-0"]);
    r.xgroup_create("s", "g", "$");
    r.xpending("s", "g");
    r.xpending_range("s", "g", "-", "+", 10, XPendingOptions::new().idle(ms(1)));
    let claim = XClaimOptions::new().idle(Duration::from_micros(1)).time(at);
    r.xclaim::<Vec<(S, S)>>("s", "g", "c", ms(1), ["1-0"], claim);
    r.xclaim_justid("s", "g", "c", ms(1), ["1-0"], XClaimOptions::new());
    r.xautoclaim::<Vec<(S, S)>>("s", "g", "c", ms(1), "0-0", Some(10));
    r.xautoclaim_justid("s", "g", "c", ms(1), "0-0", None);
    r.xinfo_groups("s");

    // Server, connection, pub/sub, scripting, help.
    r.dbsize();
    r.info();
    r.time();
    r.lastsave();
    r.config_get(["maxmemory"]);
    r.config_set("maxmemory", "0");
    r.failover(FailoverOptions::new().timeout(Duration::from_micros(1)));
    r.debug_object("k");
    r.ping();
    r.echo::<S>("hi");
    r.client_id();
    r.client_getname();
    r.client_info();
    r.client_list();
    r.client_kill(ClientKillFilter::new().max_age(ms(1500)));
    r.client_pause(Duration::from_micros(1), PauseMode::Write);
    r.client_unpause();
    r.client_unblock(7, UnblockMode::Error);
    r.client_getredir();
    r.client_trackinginfo();
    r.publish("ch", "m");
    r.pubsub_numpat();
    r.eval::<S>("return 1", [""; 0], [""; 0]);
    r.script_load("return 1");
    r.function_list();
    r.client_help();
    r.xinfo_help();
    rest_of_sweep(r);
}

/// The rest of the shared typed methods, so that the sweep calls every one
/// ([`sweep_calls_every_typed_method`] checks).
#[allow(deprecated)] // SLAVEOF, called like any other
fn rest_of_sweep(r: &Recorder) {
    type S = String;
    type F = Vec<(String, String)>;
    let k = ["a", "b"];

    // Help.
    r.acl_help();
    r.cluster_help();
    r.command_help();
    r.config_help();
    r.function_help();
    r.latency_help();
    r.memory_help();
    r.module_help();
    r.object_help();
    r.pubsub_help();
    r.script_help();
    r.slowlog_help();
    r.xgroup_help();

    // Sets, hyperloglog.
    r.pfmerge("d", k);
    r.srem("s", ["m"]);
    r.scard("s");
    r.sismember("s", "m");
    r.smismember("s", ["m", "n"]);
    r.smove("s", "t", "m");
    r.spop_count::<Vec<S>>("s", 2);
    r.srandmember::<Option<S>>("s");
    r.srandmember_count::<Vec<S>>("s", -2);
    r.sdiff::<Vec<S>>(k);
    r.sdiffstore("d", k);
    r.sinter::<Vec<S>>(k);
    r.sinterstore("d", k);
    r.sintercard(k);
    r.sunion::<Vec<S>>(k);
    r.sunionstore("d", k);
    r.sscan::<(u64, Vec<S>)>("s", 0);
    r.sscan_options::<(u64, Vec<S>)>("s", 0, ScanOptions::new());

    // Server.
    r.bgrewriteaof();
    r.bgsave();
    r.bgsave_schedule();
    r.command_all();
    r.command_count();
    r.command_docs(["get"]);
    r.command_getkeys::<Vec<S>>(("SET", "k", "v"));
    r.command_getkeysandflags::<Vec<(S, Vec<String>)>>(("SET", "k", "v"));
    r.command_info(["get"]);
    r.command_list();
    r.command_list_options(CommandListFilter::Pattern("x*".into()));
    r.config_set_pairs([("a", "1"), ("b", "2")]);
    r.config_rewrite();
    r.config_resetstat();
    r.flushall();
    r.flushall_options(FlushMode::Async);
    r.flushdb();
    r.flushdb_options(FlushMode::Sync);
    r.info_sections(["server"]);
    r.latency_doctor();
    r.latency_graph("command");
    r.latency_histogram(["get"]);
    r.latency_history("command");
    r.latency_latest();
    r.latency_reset(["command"]);
    r.lolwut();
    r.lolwut_version(5);
    r.memory_doctor();
    r.memory_malloc_stats();
    r.memory_purge();
    r.memory_stats();
    r.memory_usage("k");
    r.memory_usage_samples("k", 5);
    r.module_list();
    r.module_load("/m.so");
    r.module_loadex("/m.so", ModuleLoadOptions::new());
    r.module_unload("m");
    r.replicaof(ReplicaOf::NoOne);
    r.slaveof(ReplicaOf::master("h", 6379));
    r.role();
    r.save();
    r.shutdown(ShutdownOptions::new());
    r.slowlog_get(5);
    r.slowlog_get_all();
    r.slowlog_len();
    r.slowlog_reset();
    r.swapdb(0, 1);

    // Strings, scripting.
    r.lcs_idx("a", "b", LcsOptions::new());
    r.evalsha::<S>("0123", k, ["x"]);
    r.eval_ro::<S>("return 1", k, ["x"]);
    r.evalsha_ro::<S>("0123", k, ["x"]);
    r.fcall::<S>("f", k, ["x"]);
    r.fcall_ro::<S>("f", k, ["x"]);
    r.script_exists(["0123"]);
    r.script_flush(Some(FlushMode::Async));
    r.script_kill();
    r.function_load("code");
    r.function_load_replace("code");
    r.function_delete("lib");
    r.function_flush(None);
    r.function_list_options(FunctionListOptions::new());
    r.function_dump();
    r.function_restore("payload", Some(RestorePolicy::Replace));
    r.function_stats();
    r.function_kill();

    // Sorted sets.
    r.zadd_options("z", [(1.0, "a")], ZAddOptions::new());
    r.zadd_incr("z", "a", 1.0, ZAddOptions::new());
    r.zincrby("z", 1.0, "a");
    r.zrem("z", ["a"]);
    r.zcard("z");
    r.zcount("z", ScoreBound::NegInf, 3.0);
    r.zlexcount("z", LexBound::inclusive("a"), LexBound::exclusive("c"));
    r.zmscore("z", ["a", "b"]);
    r.zrank("z", "a");
    r.zrevrank("z", "a");
    r.zrange_withscores::<Vec<(S, f64)>>("z", ZRange::rank(0, -1));
    r.zrangestore("d", "z", ZRange::rank(0, 1));
    r.zrangebyscore::<Vec<S>>("z", 1.0, 2.0);
    r.zrevrangebyscore::<Vec<S>>("z", 2.0, 1.0);
    r.zrangebylex::<Vec<S>>("z", LexBound::inclusive("a"), LexBound::inclusive("b"));
    r.zrevrangebylex::<Vec<S>>("z", LexBound::inclusive("b"), LexBound::inclusive("a"));
    r.zrevrange::<Vec<S>>("z", 0, -1);
    r.zremrangebyrank("z", 0, 1);
    r.zremrangebyscore("z", 1.0, 2.0);
    r.zremrangebylex("z", LexBound::inclusive("a"), LexBound::inclusive("b"));
    r.zpopmax::<Vec<(S, f64)>>("z", 1);
    r.zrandmember::<Option<S>>("z");
    r.zrandmember_count::<Vec<S>>("z", 2);
    r.zrandmember_withscores::<Vec<(S, f64)>>("z", 2);
    r.zdiff::<Vec<S>>(k);
    r.zdiff_withscores::<Vec<(S, f64)>>(k);
    r.zdiffstore("d", k);
    r.zinter::<Vec<S>>(k);
    r.zinter_withscores::<Vec<(S, f64)>>(k, ZCombineOptions::new());
    r.zinterstore("d", k, ZCombineOptions::new());
    r.zintercard(k, Some(3));
    r.zunion::<Vec<S>>(k);
    r.zunion_withscores::<Vec<(S, f64)>>(k, ZCombineOptions::new());
    r.zunionstore("d", k, ZCombineOptions::new());
    r.zscan::<(u64, Vec<(S, f64)>)>("z", 0, ScanOptions::new());

    // Geo.
    let shape = GeoShape::Radius {
        radius: 1.0,
        unit: GeoUnit::Kilometers,
    };
    let search = || GeoSearch::from_lonlat(2.35, 48.85, shape);
    r.geoadd("g", (2.35, 48.85, "paris"));
    r.geoadd_options("g", (2.35, 48.85, "paris"), GeoAddOptions::new());
    r.geodist("g", "a", "b", GeoUnit::Meters);
    r.geohash("g", ["a"]);
    r.geopos("g", ["a"]);
    r.geosearch::<Vec<S>>("g", search());
    r.geosearch_options::<S>("g", search(), GeoWith::all());
    r.geosearchstore("d", "g", search());
    r.geosearchstore_dist("d", "g", search());
    r.georadius_ro::<Vec<S>>("g", 2.35, 48.85, 1.0, GeoUnit::Miles);
    r.georadiusbymember_ro::<Vec<S>>("g", "a", 1.0, GeoUnit::Miles);
    r.georadius::<Vec<S>>("g", 2.35, 48.85, 1.0, GeoUnit::Miles);
    r.georadiusbymember::<Vec<S>>("g", "a", 1.0, GeoUnit::Miles);

    // ACL.
    r.acl_cat();
    r.acl_cat_commands("read");
    r.acl_deluser(["u"]);
    r.acl_dryrun("u", ("GET", "k"));
    r.acl_genpass();
    r.acl_genpass_bits(128);
    r.acl_getuser("u");
    r.acl_list();
    r.acl_load();
    r.acl_log();
    r.acl_log_count(5);
    r.acl_log_reset();
    r.acl_save();
    r.acl_setuser("u", ["on", "+get"]);
    r.acl_users();
    r.acl_whoami();

    // Connection, hashes.
    r.ping_message::<S>("hi");
    r.client_list_options(ClientListFilter::Type(ClientType::Normal));
    r.hset_pairs("h", [("f", "v"), ("g", "w")]);
    r.hmset("h", [("f", "v")]);
    r.hsetnx("h", "f", "v");
    r.hmget::<Vec<Option<S>>>("h", ["f"]);
    r.hkeys::<Vec<S>>("h");
    r.hvals::<Vec<S>>("h");
    r.hlen("h");
    r.hexists("h", "f");
    r.hstrlen("h", "f");
    r.hincrbyfloat("h", "f", 0.5);
    r.hrandfield::<Option<S>>("h");
    r.hrandfield_count::<Vec<S>>("h", 2);
    r.hrandfield_withvalues::<Vec<(S, S)>>("h", 2);
    r.hscan::<(u64, Vec<(S, S)>)>("h", 0, ScanOptions::new());

    // Cluster.
    r.cluster_myid();
    r.cluster_myshardid();
    r.cluster_info();
    r.cluster_keyslot("k");
    r.cluster_countkeysinslot(1);
    r.cluster_getkeysinslot::<Vec<S>>(1, 10);
    r.cluster_nodes();
    r.cluster_replicas("id");
    r.cluster_slaves("id");
    r.cluster_slots();
    r.cluster_shards();
    r.cluster_links::<S>();
    r.cluster_count_failure_reports("id");
    r.cluster_addslots([1, 2]);
    r.cluster_addslotsrange([(1, 5)]);
    r.cluster_delslots([1]);
    r.cluster_delslotsrange([(1, 5)]);
    r.cluster_flushslots();
    r.cluster_setslot(1, SetSlot::Node("id".into()));
    r.cluster_bumpepoch();
    r.cluster_set_config_epoch(3);
    r.cluster_meet("127.0.0.1", 7000, None);
    r.cluster_forget("id");
    r.cluster_replicate("id");
    r.cluster_failover(FailoverMode::Force);
    r.cluster_reset(ResetMode::Soft);
    r.cluster_saveconfig();

    // Streams.
    r.xadd_options("s", [("f", "v")], XAddOptions::new().no_mkstream());
    r.xrange_count::<F>("s", "-", "+", 2);
    r.xrevrange::<F>("s", "+", "-");
    r.xrevrange_count::<F>("s", "+", "-", 2);
    r.xdel("s", ["1-0"]);
    r.xtrim("s", &StreamTrim::max_len(10));
    r.xgroup_create_options("s", "g", "$", XGroupCreateOptions::new().mkstream());
    r.xgroup_createconsumer("s", "g", "c");
    r.xgroup_delconsumer("s", "g", "c");
    r.xgroup_destroy("s", "g");
    r.xgroup_setid("s", "g", "$", Some(3));
    r.xinfo_stream::<F>("s");
    r.xinfo_stream_full::<F>("s", Some(10));
    r.xinfo_consumers("s", "g");
    r.xsetid("s", "5-0");
    r.xsetid_options("s", "5-0", XSetIdOptions::new().entries_added(5));

    // Bitmaps, pub/sub.
    r.bitcount("k");
    r.bitcount_range("k", BitRange::bytes(0, -1));
    r.bitfield("k", &BitField::new());
    r.bitfield_ro("k", &BitField::new());
    r.bitop(BitOp::And, "d", k);
    r.bitpos("k", true);
    r.bitpos_range("k", false, BitRange::bits(0, 7));
    r.getbit("k", 3);
    r.setbit("k", 3, true);
    r.spublish("ch", "m");
    r.pubsub_channels();
    r.pubsub_channels_options("n*");
    r.pubsub_numsub(["ch"]);
    r.pubsub_shardchannels();
    r.pubsub_shardchannels_options("n*");
    r.pubsub_shardnumsub(["ch"]);
}
